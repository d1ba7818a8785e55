import { InvalidParametersError } from '@app/common';
import type { ListOptions, Page } from './connector';

/**
 * Paging for services that return a whole folder at once (disk, SFTP, FTP,
 * WebDAV): entries are sorted by name (code points) and the cursor is the last
 * name returned, so a page stays correct when entries are added or removed
 * between calls.
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new InvalidParametersError('cursor is not a valid page cursor');
}

export function checkPageSize(options: ListOptions): number {
  const size = options.pageSize;
  if (!Number.isInteger(size) || size < 1) throw new InvalidParametersError('pageSize must be a positive integer');
  return size;
}

export function pageByName<T extends { name: string }>(entries: T[], options: ListOptions): Page<T> {
  return pageBy(entries, (e) => e.name, options);
}

/** Sorts by `key` and returns the page after the cursor's key. */
export function pageBy<T>(entries: T[], key: (e: T) => string, options: ListOptions): Page<T> {
  const pageSize = checkPageSize(options);
  let after: string | undefined;
  if (options.cursor) {
    const decoded = decodeCursor(options.cursor);
    if (typeof decoded.after !== 'string') throw new InvalidParametersError('cursor is not a valid page cursor');
    after = decoded.after;
  }
  const sorted = [...entries].sort((a, b) => compareNames(key(a), key(b)));
  const rest = after === undefined ? sorted : sorted.filter((e) => compareNames(key(e), after) > 0);
  const items = rest.slice(0, pageSize);
  const next = rest.length > pageSize ? encodeCursor({ after: key(items[items.length - 1]) }) : null;
  return { items, next };
}

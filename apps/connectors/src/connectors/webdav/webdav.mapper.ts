import { lookup } from 'mime-types';
import { AppError, BadRequestError, UpstreamError } from '@app/common';
import type { PathEntry as Entry } from '../path-connector';
import { baseName } from '../paths';
import { mapHttpStatus, parseRetryAfter } from '../upstream';

/** The fields of a `webdav` FileStat we use. */
export interface DavStat {
  basename: string;
  lastmod: string;
  size: number;
  type: 'file' | 'directory';
  mime?: string;
  etag?: string | null;
}

export function toEntry(path: string, stat: DavStat): Entry {
  const folder = stat.type === 'directory';
  const name = baseName(path);
  const modified = stat.lastmod ? new Date(stat.lastmod) : null;
  const entry: Entry = {
    path,
    name,
    kind: folder ? 'folder' : 'file',
    size: folder ? null : stat.size,
    created: null,
    modified: modified && !Number.isNaN(modified.getTime()) ? modified : null,
    raw: stat.etag ? { etag: stat.etag } : undefined,
  };
  if (!folder) {
    const mime = (stat.mime && stat.mime !== 'application/octet-stream' ? stat.mime : undefined) || lookup(name);
    if (mime) entry.mimeType = mime;
  }
  return entry;
}

/** Maps a `webdav` client error (`status`, `response.headers`) or a network error. */
export function toAppError(err: unknown): AppError {
  const e = (err ?? {}) as { status?: number; response?: { headers?: { get?(name: string): string | null } } };
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === 423) return new UpstreamError(status, 'The item is locked on the WebDAV server.');
  const mapped = mapHttpStatus(status, 'The WebDAV server reports a conflict.', parseRetryAfter(e.response?.headers?.get?.('retry-after')));
  if (mapped) return mapped;
  if (status !== undefined) return new BadRequestError(`The WebDAV server refused the request (${status}).`);
  return new UpstreamError(undefined, 'The WebDAV server failed or could not be reached.');
}

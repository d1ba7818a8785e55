import { InvalidParametersError } from '../errors';

/**
 * File and folder ids: the object's path below the account root, base64url
 * encoded. Stable for the same object, URL-safe, opaque to clients. `root` is
 * the root folder. Decoding is the one gate between a client's id and a path,
 * so it refuses everything that could leave the root: `..` and `.` segments,
 * absolute paths, backslashes, empty segments and NUL.
 */
export const ROOT_ID = 'root';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeStorageId(path: string): string {
  if (path === '') return ROOT_ID;
  assertSafeRelativePath(path);
  return Buffer.from(path, 'utf8').toString('base64url');
}

/** @throws InvalidParametersError for anything that is not an id this codec made. */
export function decodeStorageId(id: string): string {
  if (id === ROOT_ID) return '';
  if (!BASE64URL.test(id)) throw new InvalidParametersError(`Invalid id "${truncate(id)}".`);
  const bytes = Buffer.from(id, 'base64url');
  // Round-trip check: rejects non-canonical encodings and invalid UTF-8.
  if (bytes.toString('base64url') !== id) throw new InvalidParametersError(`Invalid id "${truncate(id)}".`);
  const path = bytes.toString('utf8');
  if (Buffer.from(path, 'utf8').compare(bytes) !== 0) throw new InvalidParametersError(`Invalid id "${truncate(id)}".`);
  assertSafeRelativePath(path);
  return path;
}

/** @throws InvalidParametersError unless `path` is a clean relative POSIX path. */
export function assertSafeRelativePath(path: string): void {
  const bad = (why: string) => new InvalidParametersError(`Invalid id: ${why}.`);
  if (path.includes('\0')) throw bad('contains NUL');
  if (path.includes('\\')) throw bad('contains a backslash');
  if (path.startsWith('/')) throw bad('is an absolute path');
  for (const segment of path.split('/')) {
    if (segment === '') throw bad('has an empty path segment');
    if (segment === '.' || segment === '..') throw bad('has a relative path segment');
  }
}

/** Joins a folder path and a child name, refusing names that are not a single segment. */
export function joinPath(folder: string, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new InvalidParametersError(`Invalid name "${truncate(name)}".`);
  }
  return folder === '' ? name : `${folder}/${name}`;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function truncate(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

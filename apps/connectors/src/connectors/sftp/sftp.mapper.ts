import { lookup } from 'mime-types';
import {
  AppError,
  AuthError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  UpstreamError,
} from '@app/common';
import type { PathEntry as Entry } from '../path-connector';
import { baseName } from '../paths';

/** The fields of an ssh2-sftp-client list() item or stat() result we use. */
export interface SftpInfo {
  type?: string; // 'd' | '-' | 'l'
  isDirectory?: boolean;
  size: number;
  modifyTime: number; // ms
  accessTime?: number;
  rights?: { user: string; group: string; other: string };
  mode?: number;
}

export function toEntry(path: string, info: SftpInfo): Entry {
  const folder = info.isDirectory ?? info.type === 'd';
  const name = baseName(path);
  const entry: Entry = {
    path,
    name,
    kind: folder ? 'folder' : 'file',
    size: folder ? null : info.size,
    created: null,
    modified: info.modifyTime ? new Date(info.modifyTime) : null,
    raw: info.mode !== undefined ? { mode: info.mode } : info.rights ? { rights: info.rights } : undefined,
  };
  if (!folder) {
    const mime = lookup(name);
    if (mime) entry.mimeType = mime;
  }
  return entry;
}

/**
 * Maps ssh2 / ssh2-sftp-client errors. SFTP status codes arrive as numeric
 * `code` (2 no such file, 3 permission denied, 4 failure, 11 file exists,
 * 14 no space, 15 quota, 18 dir not empty); ssh2-sftp-client adds 'ENOENT',
 * 'EACCES', 'ERR_BAD_AUTH'...; authentication failures have level
 * 'client-authentication'.
 */
export function toAppError(err: unknown): AppError {
  const e = (err ?? {}) as { code?: string | number; level?: string; message?: string };
  const message = e.message ?? '';
  if (e.level === 'client-authentication' || e.code === 'ERR_BAD_AUTH' || /authentication methods failed/i.test(message)) {
    return new AuthError();
  }
  switch (e.code) {
    case 2:
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFoundError();
    case 3:
    case 'EACCES':
      return new PermissionDeniedError();
    case 11:
      return new ConflictError('An item with that name already exists.');
    case 14:
    case 15:
      return new QuotaError();
  }
  if (/no such file/i.test(message)) return new NotFoundError();
  if (/permission denied/i.test(message)) return new PermissionDeniedError();
  // Connection refused/reset/timeouts, generic failures: retryable.
  return new UpstreamError(undefined, 'The SFTP server failed or could not be reached.');
}

import { lookup } from 'mime-types';
import {
  AppError,
  AuthError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  UpstreamError,
} from '@app/common';
import type { PathEntry as Entry } from '../path-connector';
import { baseName } from '../paths';

/** The fields of a basic-ftp FileInfo we use (type: 1 file, 2 directory, 3 symbolic link). */
export interface FtpInfo {
  name: string;
  type: number;
  size: number;
  modifiedAt?: Date;
  rawModifiedAt?: string;
  permissions?: unknown;
}

export function isFolder(info: Pick<FtpInfo, 'type'>): boolean {
  return info.type === 2;
}

export function toEntry(path: string, info: FtpInfo): Entry {
  const folder = isFolder(info);
  const name = baseName(path);
  const entry: Entry = {
    path,
    name,
    kind: folder ? 'folder' : 'file',
    size: folder ? null : info.size,
    created: null,
    modified: info.modifiedAt ?? null,
    raw: info.rawModifiedAt ? { raw_modified: info.rawModifiedAt } : undefined,
  };
  if (!folder) {
    const mime = lookup(name);
    if (mime) entry.mimeType = mime;
  }
  return entry;
}

/** Maps basic-ftp's FTPError (reply `code`) and socket/TLS errors. */
export function toAppError(err: unknown): AppError {
  const e = (err ?? {}) as { code?: number | string; name?: string; message?: string };
  if (typeof e.code === 'number') {
    switch (e.code) {
      case 530:
      case 331:
      case 332:
        return new AuthError();
      case 550:
        return /permission|denied/i.test(e.message ?? '') ? new PermissionDeniedError() : new NotFoundError();
      case 552:
      case 452:
        return new QuotaError();
      case 553:
        return new InvalidParametersError('The FTP server refused the file name.');
      case 532:
      case 534:
        return new PermissionDeniedError();
    }
    if (e.code >= 400 && e.code < 500) return new UpstreamError(e.code, 'The FTP server failed temporarily.');
    return new UpstreamError(undefined, `The FTP server refused the command (${e.code}).`);
  }
  return new UpstreamError(undefined, 'The FTP server failed or could not be reached.');
}

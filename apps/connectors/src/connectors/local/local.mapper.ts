import type { Stats } from 'node:fs';
import { lookup } from 'mime-types';
import {
  AppError,
  ConflictError,
  FolderNotEmptyError,
  InternalError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  UpstreamError,
} from '@app/common';
import type { PathEntry as Entry } from '../path-connector';
import { baseName } from '../paths';

/** Entry for `path` (relative to the root) from its fs.Stats. */
export function toEntry(path: string, stats: Pick<Stats, 'isDirectory' | 'size' | 'birthtime' | 'mtime' | 'mode'>): Entry {
  const folder = stats.isDirectory();
  const name = baseName(path);
  const entry: Entry = {
    path,
    name,
    kind: folder ? 'folder' : 'file',
    size: folder ? null : stats.size,
    created: validDate(stats.birthtime),
    modified: validDate(stats.mtime),
    raw: { mode: stats.mode },
  };
  if (!folder) {
    const mime = lookup(name);
    if (mime) entry.mimeType = mime;
  }
  return entry;
}

function validDate(d: Date | undefined): Date | null {
  return d && !Number.isNaN(d.getTime()) && d.getTime() > 0 ? d : null;
}

/** Maps a Node fs error (errno code) to the platform's error classes. */
export function toAppError(err: unknown): AppError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFoundError();
    case 'EEXIST':
    case 'EISDIR':
      return new ConflictError('An item with that name already exists.');
    case 'ENOTEMPTY':
      return new FolderNotEmptyError();
    case 'ENAMETOOLONG':
      return new InvalidParametersError('A name is too long for this storage (at most 255 bytes per name).');
    case 'ELOOP':
      return new PermissionDeniedError('The path leads through a link loop.');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new PermissionDeniedError();
    case 'ENOSPC':
    case 'EDQUOT':
      return new QuotaError();
    case 'EBUSY':
    case 'EAGAIN':
    case 'EIO':
    case 'EMFILE':
    case 'ENFILE':
      return new UpstreamError(undefined, `The disk failed (${code}).`);
    default:
      return new InternalError();
  }
}

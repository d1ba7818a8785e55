import {
  AppError,
  AuthError,
  ConflictError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  RateLimitError,
  UnsupportedError,
  UpstreamError,
} from '@app/common';
import type { Entry } from '../connector';
import type { ApiFailure } from '../oauth-api';
import { header } from '../oauth-api';
import { mapHttpStatus, parseRetryAfter } from '../upstream';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
/** Google Docs, Sheets, Slides, shortcuts…: no bytes of their own (only export, which we do not offer). */
const NATIVE_PREFIX = 'application/vnd.google-apps.';

/** The file fields every request asks for (`fields`), so every Entry is complete. */
export const FILE_FIELDS = 'id,name,mimeType,parents,size,createdTime,modifiedTime,md5Checksum,trashed';
export const LIST_FIELDS = `nextPageToken,files(${FILE_FIELDS})`;

/** A Drive v3 File resource, as far as we read it. */
export interface DriveFile {
  kind?: string;
  id: string;
  name: string;
  mimeType: string;
  parents?: string[];
  /** int64 as a string; absent for folders and Google-native documents. */
  size?: string;
  createdTime?: string;
  modifiedTime?: string;
  md5Checksum?: string;
  trashed?: boolean;
}

export interface DriveFileList {
  kind?: string;
  nextPageToken?: string;
  incompleteSearch?: boolean;
  files: DriveFile[];
}

export function isFolder(file: Pick<DriveFile, 'mimeType'>): boolean {
  return file.mimeType === FOLDER_MIME;
}

/** A Google Doc/Sheet/… (not a folder): no size, no alt=media download. */
export function isNative(file: Pick<DriveFile, 'mimeType'>): boolean {
  return file.mimeType.startsWith(NATIVE_PREFIX) && !isFolder(file);
}

function date(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Drive File → Entry. `rootId` is the real id behind the alias `root`: a
 * child of the root reports the parent ''. Drive files may have several
 * parents; the first is reported.
 */
export function toEntry(file: DriveFile, rootId: string): Entry {
  const folder = isFolder(file);
  const first = file.parents?.[0];
  const entry: Entry = {
    locator: file.id === rootId ? '' : file.id,
    parent: file.id === rootId ? null : first === undefined ? null : first === rootId ? '' : first,
    name: file.id === rootId ? '' : file.name,
    kind: folder ? 'folder' : 'file',
    size: folder || isNative(file) || file.size === undefined ? null : Number(file.size),
    created: date(file.createdTime),
    modified: date(file.modifiedTime),
    mimeType: file.mimeType,
    raw: file as unknown as Record<string, unknown>,
  };
  if (file.md5Checksum) entry.checksums = { md5: file.md5Checksum.toLowerCase() };
  return entry;
}

export const ROOT_ENTRY: Entry = { locator: '', parent: null, name: '', kind: 'folder', size: null, created: null, modified: null };

/**
 * A string literal of Drive's query language: single quotes and backslashes
 * escaped with a backslash (the search-files guide: `'quinn\'s paper\\essay'`).
 */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Drive's error body: `{ error: { code, message, errors: [{ domain, reason, message, location… }] } }`. */
interface DriveErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: { reason?: string; domain?: string; message?: string }[] };
}

export function errorReason(text: string): { reason?: string; message?: string } {
  try {
    const body = JSON.parse(text) as DriveErrorBody;
    return { reason: body.error?.errors?.[0]?.reason, message: body.error?.message };
  } catch {
    return {};
  }
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'sharingRateLimitExceeded', 'dailyLimitExceeded']);
const QUOTA_REASONS = new Set(['storageQuotaExceeded', 'quotaExceeded', 'teamDriveFileLimitExceeded', 'numChildrenInNonRootLimitExceeded']);
const PERMISSION_REASONS = new Set(['insufficientFilePermissions', 'insufficientPermissions', 'forbidden', 'appNotAuthorizedToFile', 'domainPolicy']);

/**
 * Drive's refusals → AppError (the resolve-errors guide). A 403 is not always
 * a permission problem: Drive's rate limits come as 403 rateLimitExceeded /
 * userRateLimitExceeded, and a full account as 403 storageQuotaExceeded.
 * Nothing of the request (the token) goes into a message.
 */
export function mapFailure(failure: ApiFailure): AppError | undefined {
  const { status, op } = failure;
  const { reason } = errorReason(failure.text);
  const retryAfter = parseRetryAfter(header(failure.headers, 'retry-after'));
  if (reason && RATE_REASONS.has(reason)) return new RateLimitError(retryAfter);
  if (reason && QUOTA_REASONS.has(reason)) return new QuotaError();
  if (reason === 'fileNotDownloadable') return new UnsupportedError('Google Docs, Sheets and other Google-native documents cannot be downloaded as they are (export is not supported).');
  if (status === 401 || reason === 'authError') return new AuthError();
  if (status === 404 || reason === 'notFound') return new NotFoundError();
  if (status === 416) return new InvalidRangeError();
  if (reason && PERMISSION_REASONS.has(reason)) return new PermissionDeniedError();
  if (status === 400) return new InvalidParametersError(`Google Drive refused ${op}${reason ? ` (${reason})` : ''}.`);
  if (status === 409) return new ConflictError(`Google Drive refused ${op}: conflict.`);
  return mapHttpStatus(status, `Google Drive refused ${op} (${status}).`, retryAfter) ?? new UpstreamError(status, `Google Drive answered ${op} with ${status}.`);
}

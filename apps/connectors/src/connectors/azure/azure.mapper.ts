import { lookup } from 'mime-types';
import {
  AppError,
  AuthError,
  BadRequestError,
  ConflictError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  RateLimitError,
  UpstreamError,
} from '@app/common';
import type { PathEntry as Entry } from '../path-connector';
import { baseName } from '../paths';
import { mapHttpStatus, parseRetryAfter } from '../upstream';

/** The blob properties we use (from BlobItem.properties or getProperties()). */
export interface AzureBlobInfo {
  contentLength?: number;
  lastModified?: Date;
  createdOn?: Date;
  contentType?: string;
  etag?: string;
  contentMD5?: Uint8Array;
  accessTier?: string;
}

export function fileEntry(path: string, info: AzureBlobInfo): Entry {
  const name = baseName(path);
  const entry: Entry = {
    path,
    name,
    kind: 'file',
    size: info.contentLength ?? null,
    created: info.createdOn ?? null,
    modified: info.lastModified ?? null,
    raw: {
      etag: info.etag,
      access_tier: info.accessTier,
      content_md5: info.contentMD5 ? Buffer.from(info.contentMD5).toString('base64') : undefined,
    },
  };
  const mime = (info.contentType && info.contentType !== 'application/octet-stream' ? info.contentType : undefined) || lookup(name);
  if (mime) entry.mimeType = mime;
  return entry;
}

export function folderEntry(path: string, marker?: AzureBlobInfo): Entry {
  return { path, name: baseName(path), kind: 'folder', size: null, created: marker?.createdOn ?? null, modified: marker?.lastModified ?? null };
}

const AUTH_CODES = new Set(['AuthenticationFailed', 'InvalidAuthenticationInfo', 'NoAuthenticationInformation']);
const PERMISSION_CODES = new Set(['AuthorizationFailure', 'AuthorizationPermissionMismatch', 'InsufficientAccountPermissions']);

/** Maps an @azure/storage-blob RestError (statusCode, code, response headers) or a network error. */
export function toAppError(err: unknown): AppError {
  const e = (err ?? {}) as {
    statusCode?: number;
    code?: string;
    details?: { errorCode?: string };
    response?: { headers?: { get?(name: string): string | undefined } };
  };
  const code = e.details?.errorCode ?? e.code ?? '';
  const status = e.statusCode;
  if (AUTH_CODES.has(code)) return new AuthError();
  if (PERMISSION_CODES.has(code)) return new PermissionDeniedError();
  if (code === 'ContainerNotFound') return new NotFoundError('The container does not exist.');
  if (code === 'BlobNotFound' || code === 'ResourceNotFound') return new NotFoundError();
  if (code === 'BlobAlreadyExists' || code === 'ContainerAlreadyExists') return new ConflictError('The item already exists.');
  if (code === 'InvalidRange') return new InvalidRangeError();
  if (code === 'ServerBusy' || (code === 'OperationTimedOut' && status === 503)) {
    return new RateLimitError(parseRetryAfter(e.response?.headers?.get?.('retry-after')));
  }
  if (code === 'AccountIsDisabled' || code === 'InsufficientAccountPermissionsWithOperation') return new PermissionDeniedError();
  if (code === 'BlobTooLarge' || code === 'RequestBodyTooLarge') return new QuotaError();
  const byStatus = mapHttpStatus(status, `The storage service reports a conflict (${code}).`, parseRetryAfter(e.response?.headers?.get?.('retry-after')));
  if (byStatus) return byStatus;
  if (status !== undefined && status >= 400 && status < 500) return new BadRequestError(`The storage service refused the request (${code || status}).`);
  return new UpstreamError(status, 'The Azure storage service failed or could not be reached.');
}

import { lookup } from 'mime-types';
import {
  AppError,
  AuthError,
  BadRequestError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  RateLimitError,
  UpstreamError,
} from '@app/common';
import type { PathEntry as Entry } from '../path-connector';
import { baseName } from '../paths';
import { mapHttpStatus } from '../upstream';

/** The fields of a ListObjectsV2 `Contents` item or a HeadObject output we use. */
export interface S3ObjectInfo {
  Key?: string;
  Size?: number;
  ContentLength?: number;
  LastModified?: Date;
  ETag?: string;
  ContentType?: string;
  StorageClass?: string;
}

export function fileEntry(path: string, obj: S3ObjectInfo): Entry {
  const name = baseName(path);
  const entry: Entry = {
    path,
    name,
    kind: 'file',
    size: obj.Size ?? obj.ContentLength ?? null,
    created: null,
    modified: obj.LastModified ?? null,
    raw: { etag: obj.ETag, storage_class: obj.StorageClass },
  };
  const mime = (obj.ContentType && obj.ContentType !== 'application/octet-stream' ? obj.ContentType : undefined) || lookup(name);
  if (mime) entry.mimeType = mime;
  // A single PUT's ETag is the MD5 of the object; a multipart one ("…-N") or an encrypted one is not.
  const md5 = /^"?([0-9a-f]{32})"?$/i.exec(obj.ETag ?? '')?.[1];
  if (md5) entry.checksums = { md5: md5.toLowerCase() };
  return entry;
}

export function folderEntry(path: string, marker?: S3ObjectInfo): Entry {
  return {
    path,
    name: baseName(path),
    kind: 'folder',
    size: null,
    created: null,
    modified: marker?.LastModified ?? null,
  };
}

/** Parses a Content-Range header ("bytes 0-9/100"). */
export function parseContentRange(header: string | undefined): { start: number; end: number; total: number } | undefined {
  const match = header ? /^bytes (\d+)-(\d+)\/(\d+)\s*$/.exec(header) : null;
  return match ? { start: Number(match[1]), end: Number(match[2]), total: Number(match[3]) } : undefined;
}

interface S3LikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AuthorizationHeaderMalformed',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound', 'NoSuchUpload', 'NoSuchBucket']);
const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'RequestLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'RequestTimeout']);

/** Maps an AWS SDK v3 error (or a network error under it). */
export function toAppError(err: unknown): AppError {
  const e = (err ?? {}) as S3LikeError;
  const code = e.Code ?? e.name ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (AUTH_CODES.has(code)) return new AuthError();
  if (code === 'NoSuchBucket') return new NotFoundError('The bucket does not exist.');
  if (NOT_FOUND_CODES.has(code)) return new NotFoundError();
  if (code === 'AccessDenied' || code === 'AllAccessDisabled') return new PermissionDeniedError();
  if (THROTTLE_CODES.has(code)) {
    const retryAfter = Number(e.$response?.headers?.['retry-after']);
    return new RateLimitError(Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  if (code === 'InvalidRange') return new InvalidRangeError();
  if (code === 'QuotaExceeded' || code === 'XMinioStorageFull') return new QuotaError();
  if (code === 'EntityTooSmall' || code === 'EntityTooLarge' || code === 'InvalidPart' || code === 'InvalidPartOrder') {
    return new BadRequestError(`The storage service refused the upload (${code}).`);
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(e.code ?? '')) return new UpstreamError(status);
  const byStatus = mapHttpStatus(status, `The storage service refused the request (${code}).`);
  if (byStatus) return byStatus;
  if (status !== undefined && status >= 400 && status < 500) {
    return new BadRequestError(`The storage service refused the request (${code || status}).`);
  }
  return new UpstreamError(status);
}

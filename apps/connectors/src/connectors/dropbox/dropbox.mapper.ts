import { createHash } from 'node:crypto';
import { lookup } from 'mime-types';
import {
  AppError,
  AuthError,
  BadRequestError,
  ConflictError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  RateLimitError,
  UpstreamError,
} from '@app/common';
import type { Entry, Locator } from '../connector';
import type { ApiFailure } from '../oauth-api';
import { mapHttpStatus } from '../upstream';

/** Dropbox's FileMetadata / FolderMetadata (the fields we read; `raw` keeps them all). */
export interface DropboxMetadata {
  /** 'file' | 'folder' | 'deleted' where the answer is a union (list_folder, get_metadata, move_v2…); absent on FileMetadata/FolderMetadata structs. */
  '.tag'?: string;
  name: string;
  id: string;
  path_lower?: string;
  path_display?: string;
  size?: number;
  rev?: string;
  client_modified?: string;
  server_modified?: string;
  content_hash?: string;
  [key: string]: unknown;
}

/** Dropbox's 4 MiB blocks of its content hash. */
export const CONTENT_HASH_BLOCK = 4 * 1024 * 1024;

export function isFolder(meta: DropboxMetadata): boolean {
  if (meta['.tag']) return meta['.tag'] === 'folder';
  return meta.rev === undefined && meta.size === undefined;
}

/** The path of the folder holding `pathLower` ('' when that is the root). */
export function parentPathOf(pathLower: string): string {
  const slash = pathLower.lastIndexOf('/');
  return slash <= 0 ? '' : pathLower.slice(0, slash);
}

/** A Dropbox metadata object as an Entry; `parent` is the locator of its folder ('' for the root). */
export function toEntry(meta: DropboxMetadata, parent: Locator): Entry {
  const folder = isFolder(meta);
  const entry: Entry = {
    locator: meta.id,
    parent,
    name: meta.name,
    kind: folder ? 'folder' : 'file',
    size: folder ? null : (meta.size ?? null),
    // Dropbox keeps no creation time.
    created: null,
    modified: meta.server_modified ? new Date(meta.server_modified) : null,
    raw: { ...meta },
  };
  // Dropbox says where the object is (the case of the folders in it may differ from theirs).
  if (meta.path_display) entry.path = meta.path_display.replace(/^\//, '');
  if (!folder) {
    const mime = mimeTypeOf(meta.name);
    if (mime) entry.mimeType = mime;
  }
  return entry;
}

/** Dropbox stores no content type: the name's extension says it. */
export function mimeTypeOf(name: string): string | undefined {
  return lookup(name) || undefined;
}

export const ROOT_ENTRY: Entry = { locator: '', parent: null, name: '', kind: 'folder', size: null, created: null, modified: null };

/**
 * JSON for the Dropbox-API-Arg header: HTTP headers carry ASCII only, so
 * Dropbox wants every character above 0x7E escaped as \uXXXX.
 */
export function headerJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Dropbox's content_hash: SHA-256 of the concatenated SHA-256 digests of each 4 MiB block. */
export function contentHash(data: Buffer): string {
  const outer = createHash('sha256');
  for (let i = 0; i < data.length; i += CONTENT_HASH_BLOCK) outer.update(createHash('sha256').update(data.subarray(i, i + CONTENT_HASH_BLOCK)).digest());
  return outer.digest('hex');
}

/** The error union of a Dropbox 409 (`{ error_summary, error }`) or 401 body, when it is one. */
export function errorSummaryOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error_summary?: unknown; error?: { '.tag'?: unknown } };
    if (typeof body.error_summary === 'string') return body.error_summary;
    if (typeof body.error?.['.tag'] === 'string') return body.error['.tag'];
  } catch {
    // 400s are plain text ("Error in call to API function ...").
  }
  return undefined;
}

/**
 * Dropbox's refusals as AppErrors. Endpoint errors come as 409 with an
 * `error_summary` such as "path/not_found/..", "to/conflict/file/..",
 * "path/insufficient_space/..": the tags, not the status, say what happened.
 */
export function mapDropboxFailure(failure: ApiFailure): AppError | undefined {
  const summary = errorSummaryOf(failure.text);
  const offset = failure.status === 409 ? correctOffsetOf(failure.text) : undefined;
  if (offset !== undefined) return new IncorrectOffsetError(offset);
  const tags = new Set((summary ?? '').split('/').filter((t) => t !== '' && t !== '.' && t !== '..'));
  if (failure.status === 401) return new AuthError();
  if (failure.status === 409 && summary !== undefined) return fromTags(tags, failure.op);
  if (failure.status === 400) return new BadRequestError(`Dropbox refused ${failure.op} as malformed.`);
  return mapHttpStatus(failure.status, `Dropbox refused ${failure.op} (${failure.status}).`);
}

function fromTags(tags: Set<string>, op: string): AppError {
  if (tags.has('insufficient_space') || tags.has('insufficient_quota')) return new QuotaError();
  if (tags.has('not_found') || tags.has('not_folder') || tags.has('not_file')) return new NotFoundError();
  if (tags.has('conflict')) return new ConflictError('An item with this name already exists in the target folder.');
  if (tags.has('no_write_permission') || tags.has('restricted_content') || tags.has('team_folder') || tags.has('cant_transfer_ownership') || tags.has('access_denied')) {
    return new PermissionDeniedError();
  }
  if (tags.has('cant_move_folder_into_itself') || tags.has('cant_copy_shared_folder') || tags.has('cant_nest_shared_folder') || tags.has('cant_move_shared_folder')) {
    return new InvalidParametersError('A folder cannot be moved or copied into itself or a shared folder.');
  }
  if (tags.has('duplicated_or_nested_paths')) return new InvalidParametersError('The source and the target are the same item, or one holds the other.');
  if (tags.has('malformed_path') || tags.has('disallowed_name') || tags.has('too_many_files')) return new InvalidParametersError(`Dropbox refused the name or path (${[...tags].join('/')}).`);
  // A write that lost a race for the account's namespace lock: Dropbox's own rate limit.
  if (tags.has('too_many_write_operations')) return new RateLimitError(undefined, 'Dropbox is busy with other writes to this account; try again.');
  return new BadRequestError(`Dropbox refused ${op} (${[...tags].join('/') || 'unknown error'}).`);
}

/**
 * An upload-session call whose offset was not where the session is: Dropbox
 * says where it is. Caught inside the connector (a resent chunk that had
 * arrived already); should one escape, it is an UpstreamError, not retried.
 */
export class IncorrectOffsetError extends UpstreamError {
  constructor(readonly correctOffset: number) {
    super(409, `Dropbox expected the upload to continue at byte ${correctOffset}.`);
  }
  override get retryable(): boolean {
    return false;
  }
}

/** `correct_offset` of an `incorrect_offset` error, bare (append_v2) or under `lookup_failed` (finish). */
export function correctOffsetOf(text: string): number | undefined {
  try {
    let error = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    if (error?.['.tag'] === 'lookup_failed') error = error.lookup_failed as Record<string, unknown>;
    return error?.['.tag'] === 'incorrect_offset' && typeof error.correct_offset === 'number' ? error.correct_offset : undefined;
  } catch {
    return undefined;
  }
}

/** Anything but an AppError that escapes an upstream call (a bug, a parse failure). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // Not Dropbox's answer (those are AppErrors already): a broken body stream, a parse failure.
  return new UpstreamError(undefined, `The Dropbox call failed (${(err as Error)?.message ?? 'unknown error'}).`);
}

import { lookup as mimeOf } from 'mime-types';
import {
  AppError,
  AuthError,
  BadRequestError,
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  UpstreamError,
} from '@app/common';
import { ROOT, type Entry, type Locator } from '../connector';
import type { ApiFailure } from '../oauth-api';

/** Box's id of the account's root folder. */
export const ROOT_FOLDER_ID = '0';

/** A file or folder as Box returns it (the fields we ask for; Box adds type, id, etag). */
export interface BoxItem {
  type: 'file' | 'folder' | 'web_link';
  id: string;
  name?: string;
  size?: number;
  sha1?: string;
  etag?: string | null;
  parent?: { type: 'folder'; id: string } | null;
  created_at?: string | null;
  modified_at?: string | null;
  content_created_at?: string | null;
  content_modified_at?: string | null;
  [field: string]: unknown;
}

/** The fields every call asks for: what an Entry needs, and no more (Box's standard objects are larger). */
export const ITEM_FIELDS = 'type,id,name,size,sha1,parent,etag,sequence_id,created_at,modified_at,content_created_at,content_modified_at,item_status';

/**
 * Box numbers files and folders separately (file 7 and folder 7 are two
 * objects), so a locator carries the kind: `file:<id>` / `folder:<id>`, and
 * the root folder (Box's folder 0) is ''.
 */
export type BoxRef = { kind: 'file' | 'folder'; id: string };

export function locatorOf(ref: BoxRef): Locator {
  return ref.kind === 'folder' && ref.id === ROOT_FOLDER_ID ? ROOT : `${ref.kind}:${ref.id}`;
}

/** The Box object a locator names; undefined for something no Box locator looks like. */
export function refOf(locator: Locator): BoxRef | undefined {
  if (locator === ROOT) return { kind: 'folder', id: ROOT_FOLDER_ID };
  const m = /^(file|folder):(\d{1,30})$/.exec(locator);
  return m ? { kind: m[1] as BoxRef['kind'], id: m[2] } : undefined;
}

export function rootEntry(raw?: Record<string, unknown>): Entry {
  const entry: Entry = { locator: ROOT, parent: null, name: '', kind: 'folder', size: null, created: null, modified: null };
  if (raw) entry.raw = raw;
  return entry;
}

function date(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A Box file or folder → Entry; `raw` is the object as Box returned it. */
export function entryOf(item: BoxItem): Entry {
  if (item.type === 'folder' && item.id === ROOT_FOLDER_ID) return rootEntry(item);
  const kind = item.type === 'folder' ? 'folder' : 'file';
  const name = item.name ?? '';
  const entry: Entry = {
    locator: locatorOf({ kind, id: item.id }),
    parent: item.parent ? locatorOf({ kind: 'folder', id: item.parent.id }) : null,
    name,
    kind,
    size: kind === 'file' && typeof item.size === 'number' ? item.size : null,
    // The content dates are the file's own (as uploaded); created_at/modified_at are Box's.
    created: date(item.content_created_at ?? item.created_at),
    modified: date(item.content_modified_at ?? item.modified_at),
    raw: item,
  };
  if (kind === 'file') {
    const mime = mimeOf(name);
    if (mime) entry.mimeType = mime;
    if (item.sha1) entry.checksums = { sha1: item.sha1.toLowerCase() };
  }
  return entry;
}

/** Box's error body (https://developer.box.com/reference/resources/client-error/). */
export interface BoxClientError {
  type?: string;
  status?: number;
  code?: string;
  message?: string;
  context_info?: { conflicts?: BoxItem | BoxItem[] | { type?: string; id?: string }[] } & Record<string, unknown>;
  request_id?: string;
}

export function parseClientError(text: string): BoxClientError | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    return body && typeof body === 'object' && (body as BoxClientError).type === 'error' ? (body as BoxClientError) : undefined;
  } catch {
    return undefined;
  }
}

/** The item a 409 item_name_in_use names (an object for files, a list for folders). */
export function conflictOf(error: BoxClientError): Locator | undefined {
  const raw = error.context_info?.conflicts;
  const first = (Array.isArray(raw) ? raw[0] : raw) as { type?: string; id?: string } | undefined;
  if (!first?.id || (first.type !== 'file' && first.type !== 'folder')) return undefined;
  return locatorOf({ kind: first.type, id: first.id });
}

const PERMISSION_CODES = new Set([
  'access_denied_insufficient_permissions',
  'access_denied_item_locked',
  'access_from_location_blocked',
  'forbidden',
  'forbidden_by_policy',
  'insufficient_scope',
  'cannot_make_collaborated_subfolder_private',
]);
const QUOTA_CODES = new Set(['storage_limit_exceeded', 'file_size_limit_exceeded', 'user_upload_limit_exceeded']);
const NAME_CODES = new Set(['item_name_invalid', 'item_name_too_long']);

/**
 * Box's answers (other than 429, which OAuthApi handles) → AppError: by the
 * error `code` first, then by status. Messages are ours plus Box's own, which
 * never holds the token.
 */
export function mapBoxFailure(failure: ApiFailure): AppError | undefined {
  const error = parseClientError(failure.text);
  const code = error?.code ?? '';
  const said = error?.message ? `: ${error.message}` : '';
  if (failure.status === 401) return new AuthError();
  if (code === 'item_name_in_use') {
    return new ConflictError(`An item of that name is already in the folder (${failure.op}).`, conflictOf(error!));
  }
  if (code === 'folder_not_empty') return new FolderNotEmptyError();
  if (code === 'not_found' || code === 'trashed' || failure.status === 404) return new NotFoundError();
  if (QUOTA_CODES.has(code)) return new QuotaError();
  if (PERMISSION_CODES.has(code) || failure.status === 403) return new PermissionDeniedError();
  if (NAME_CODES.has(code)) return new InvalidParametersError(`Box does not accept that name${said}`);
  if (failure.status === 416) return new InvalidRangeError();
  if (failure.status === 412) return new ConflictError(`Box refused ${failure.op}: a precondition failed${said}`);
  if (failure.status === 409) return new ConflictError(`Box refused ${failure.op} (${code || 'conflict'})${said}`);
  if (failure.status >= 500 || failure.status === 408) return new UpstreamError(failure.status);
  if (failure.status >= 400) return new BadRequestError(`Box refused ${failure.op} (${code || failure.status})${said}`);
  return undefined;
}

/** `bytes 0-9/100` → its numbers. */
export function parseContentRange(header: string | undefined): { start: number; end: number; total: number } | undefined {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  return m ? { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) } : undefined;
}

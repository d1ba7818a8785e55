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
import { ROOT, type Entry, type Locator } from '../connector';
import { header, type ApiFailure } from '../oauth-api';
import { mapHttpStatus, parseRetryAfter } from '../upstream';

/** The fields of a Graph `driveItem` we read (the whole object is kept as `raw`). */
export interface DriveItem {
  id: string;
  name: string;
  size?: number;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  parentReference?: { driveId?: string; driveType?: string; id?: string; path?: string };
  file?: { mimeType?: string; hashes?: { quickXorHash?: string; sha1Hash?: string; sha256Hash?: string } };
  folder?: { childCount?: number };
  /** Present (as {}) on the drive's root only. */
  root?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A page of a Graph collection (children, search results). */
export interface DriveItemPage {
  value: DriveItem[];
  '@odata.nextLink'?: string;
}

/** What the copy monitor URL answers (asyncJobStatus). */
export interface AsyncJobStatus {
  status?: 'notStarted' | 'inProgress' | 'completed' | 'failed' | 'waiting' | 'deleteFailed' | 'cancelled' | 'cancelPending' | 'updating';
  resourceId?: string;
  percentageComplete?: number;
  error?: { code?: string; message?: string };
}

/** The drive root's parent path as Graph writes it: `/drive/root:` (or `/drives/{id}/root:`). */
const ROOT_PATH = /^\/drives?(\/[^/]+)?\/root:?$/;

/**
 * The locator of an item's parent: `''` when it is the drive's root (which
 * our API only knows as `''`), else the parent's id. `rootId` is the root's
 * real id when the caller knows it (search results carry no parent path).
 */
export function parentOf(item: DriveItem, rootId?: string): Locator | null {
  if (item.root) return null;
  const ref = item.parentReference;
  if (!ref?.id) return null;
  if ((ref.path !== undefined && ROOT_PATH.test(ref.path)) || ref.id === rootId) return ROOT;
  return ref.id;
}

/**
 * The item's path below the root ('Docs/report.txt'), from its parent's path
 * as Graph gives it: percent-encoded, after the first ':' (e.g.
 * `/drive/root:/Docs`). Undefined when Graph gives none (search results) or
 * one we cannot read.
 */
export function pathOf(item: DriveItem): string | undefined {
  if (item.root) return '';
  const ref = item.parentReference?.path;
  const colon = ref?.indexOf(':') ?? -1;
  if (!ref || colon < 0 || !ROOT_PATH.test(ref.slice(0, colon))) return undefined;
  try {
    const folders = ref.slice(colon + 1).split('/').filter(Boolean).map(decodeURIComponent);
    return [...folders, item.name].join('/');
  } catch {
    return undefined;
  }
}

/** The drive's root as every connector reports it. */
export function rootEntry(item?: DriveItem): Entry {
  return {
    locator: ROOT,
    parent: null,
    name: '',
    kind: 'folder',
    path: '',
    size: null,
    created: dateOf(item?.createdDateTime),
    modified: dateOf(item?.lastModifiedDateTime),
    ...(item ? { raw: item } : {}),
  };
}

/** A driveItem as an Entry; `parent` when the caller knows it (the folder it listed, wrote into…), else from the item. */
export function entryOf(item: DriveItem, parent?: Locator | null, rootId?: string): Entry {
  if (item.root) return rootEntry(item);
  const entry: Entry = {
    locator: item.id,
    parent: parent !== undefined ? parent : parentOf(item, rootId),
    name: item.name,
    kind: item.folder !== undefined ? 'folder' : 'file',
    size: item.folder !== undefined ? null : typeof item.size === 'number' ? item.size : null,
    created: dateOf(item.createdDateTime),
    modified: dateOf(item.lastModifiedDateTime),
    raw: item,
  };
  const path = pathOf(item);
  if (path !== undefined) entry.path = path;
  if (item.file?.mimeType) entry.mimeType = item.file.mimeType;
  return entry;
}

function dateOf(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The upload session already holds (some of) a fragment we sent: typically a
 * resend of one whose answer was lost. The connector asks the session where
 * it stands; elsewhere it is a retryable UpstreamError like any other.
 */
export class FragmentOverlapError extends UpstreamError {
  constructor(status: number) {
    super(status, 'The upload session already has that fragment.');
  }

  /** Sending the same fragment again cannot help; the connector checks the session instead. */
  override get retryable(): boolean {
    return false;
  }
}

/** The codes of a Graph error body, outermost first (`error.code`, then each `innererror.code`). */
export function errorCodes(text: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const codes: string[] = [];
  let node = (body as { error?: unknown })?.error;
  for (let depth = 0; node && typeof node === 'object' && depth < 10; depth++) {
    const { code, innererror, innerError } = node as { code?: unknown; innererror?: unknown; innerError?: unknown };
    if (typeof code === 'string') codes.push(code);
    node = innererror ?? innerError;
  }
  return codes;
}

/**
 * Graph's error bodies (`{ "error": { "code", "message", "innererror" } }`)
 * → AppError, by code first (the status alone is ambiguous: 409 is also "the
 * parent is missing"), then by status. The service's message is not passed
 * on: codes are what Microsoft documents as stable.
 */
export function mapFailure(failure: ApiFailure): AppError | undefined {
  const codes = errorCodes(failure.text);
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  const retryAfter = parseRetryAfter(header(failure.headers, 'retry-after'));
  if (failure.status === 401 || has('InvalidAuthenticationToken', 'unauthenticated')) return new AuthError();
  if (has('activityLimitReached', 'throttledRequest')) return new RateLimitError(retryAfter);
  // An upload session that expired or was committed meanwhile: the upload can start again (the folder is not missing).
  if (has('uploadSessionNotFound')) return new UpstreamError(failure.status, 'The upload session is gone; the upload can be retried.');
  if (has('itemNotFound')) return new NotFoundError();
  if (has('nameAlreadyExists', 'upload_name_conflict')) return new ConflictError(`An item of that name already exists (${failure.op}).`);
  if (has('quotaLimitReached', 'insufficientStorage') || failure.status === 507) return new QuotaError();
  if (has('accessDenied', 'accessRestricted')) return new PermissionDeniedError();
  if (has('fragmentOverlap')) return new FragmentOverlapError(failure.status);
  if (has('fragmentOutOfOrder', 'fragmentLengthMismatch')) {
    // Our own upload went out of step with its session: worth starting again, not a client error.
    return new UpstreamError(failure.status, `The upload session refused a fragment (${codes[codes.length - 1]}).`);
  }
  if (has('invalidRange') || failure.status === 416) return new InvalidRangeError();
  if (failure.status >= 500) return new UpstreamError(failure.status);
  if (has('invalidRequest', 'notAllowed', 'notSupported', 'invalidPath') || failure.status === 400) {
    return new BadRequestError(`OneDrive refused ${failure.op} (${codes[codes.length - 1] ?? failure.status}).`);
  }
  return mapHttpStatus(failure.status, `OneDrive refused ${failure.op} (${codes[0] ?? failure.status}).`, retryAfter);
}

/** Any error on a connector path that is not an AppError yet (a body that broke mid-stream…). */
export function toAppError(err: unknown, op: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  return new UpstreamError(undefined, `OneDrive ${op} failed (${code ?? 'network error'}).`);
}

/**
 * Box (Content API 2.0), id-addressed: locators are `file:<id>` / `folder:<id>`
 * (Box numbers files and folders separately), '' is Box's folder 0.
 *
 * Plain HTTP through OAuthApi, no Box SDK: every OAuth service gets the same
 * 401 refresh-and-resend, the same 429 policy (never retried), the outbound
 * address policy on every connection, and streamed bodies both ways.
 *
 * Not here: openChunkWriter. Box's upload sessions fix the part size
 * themselves (every part exactly `part_size`, chosen by Box when the session
 * opens) and the commit needs the SHA-1 of the whole file in order, whereas
 * the contract's parts come in any order, in parallel, of sizes the caller
 * picks; the whole-file digest cannot be made from part digests. write() uses
 * the sessions instead, cutting the stream itself.
 */
import { PassThrough, Readable, type Transform } from 'node:stream';
import { AppError, ConflictError, InvalidParametersError, NotFoundError, UpstreamError } from '@app/common';
import type { ByteRange, Connector, Entry, Features, ListOptions, Locator, Page, ReadResult, WriteOptions } from '../connector';
import { OAuthApi, header, type ApiResponse } from '../oauth-api';
import { checkPageSize, decodeCursor, encodeCursor } from '../paging';
import { resolveRange } from '../range';
import type { ConnectorDeps } from '../registry';
import { forwardErrors, SliceStream } from '../streams';
import { upstreamFor, type Upstream } from '../upstream';
import { oauthRaw, oauthRawRoots } from '../raw/oauth-raw';
import type { RawRequest, RawResponse } from '../raw/raw-request';
import { isAllowedHost, type BoxConfig } from './box.config';
import { entryOf, ITEM_FIELDS, mapBoxFailure, parseContentRange, refOf, ROOT_FOLDER_ID, type BoxItem, type BoxRef } from './box.mapper';
import { BoxUploads, peek, type UploadTarget } from './box-upload';

/** GET /folders/{id}/items answers at most 1000 items; GET /search at most 200. */
const MAX_ITEMS_LIMIT = 1000;
const MAX_SEARCH_LIMIT = 200;
/** The most of an unsized body held in memory to learn whether it is small (then sent whole, so a 401 can resend it). */
const UNSIZED_BUFFER = 8 * 1024 * 1024;

interface BoxItems {
  entries: BoxItem[];
  next_marker?: string | null;
}

interface BoxSearchResults {
  entries: BoxItem[];
  total_count: number;
  offset: number;
  limit: number;
}

const isFileOrFolder = (item: BoxItem): boolean => item.type === 'file' || item.type === 'folder';

export class BoxConnector implements Connector {
  static readonly features: Features = {
    addressing: 'id',
    bucketBased: false,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: ['sha1'],
    rawPassthrough: true,
  };
  readonly features = BoxConnector.features;

  private readonly api: OAuthApi;
  private readonly upstream: Upstream;
  private readonly uploads: BoxUploads;

  constructor(
    private readonly config: BoxConfig,
    deps: ConnectorDeps,
  ) {
    if (!deps.tokens) throw new InvalidParametersError('The box connector needs the account OAuth token.');
    this.api = new OAuthApi({ tokens: deps.tokens, outbound: deps.outbound, mapFailure: mapBoxFailure });
    this.upstream = upstreamFor('box', (err, op) => (err instanceof AppError ? err : new UpstreamError(undefined, `Box ${op} failed.`)));
    this.uploads = new BoxUploads(this.api, this.upstream, config.uploadUrl, config.uploadConcurrency);
  }

  /** A request of the client's own on the service's API with the account's token (POST /v1/accounts/{id}/raw). */
  async raw(request: RawRequest): Promise<RawResponse> {
    return this.upstream.call('raw', () => oauthRaw(this.api, oauthRawRoots(this.config.apiUrl, this.config.uploadUrl), request));
  }

  async list(folder: Locator, options: ListOptions): Promise<Page<Entry>> {
    const id = this.folderId(folder);
    const limit = Math.min(checkPageSize(options), MAX_ITEMS_LIMIT);
    const marker = options.cursor ? cursorField(options.cursor, 'marker') : undefined;
    const page = await this.items(id, limit, marker);
    return { items: page.entries.filter(isFileOrFolder).map(entryOf), next: page.next_marker ? encodeCursor({ marker: page.next_marker }) : null };
  }

  async stat(locator: Locator): Promise<Entry> {
    const ref = this.ref(locator);
    const item = await this.upstream.call(
      'stat',
      () => this.api.json<BoxItem>('stat', { method: 'GET', url: `${this.config.apiUrl}/${ref.kind}s/${ref.id}`, query: { fields: ITEM_FIELDS } }),
      { retry: true },
    );
    return entryOf(item);
  }

  /**
   * Box has no "child by name" call (search is indexed with a delay), so this
   * pages through the folder, 1000 items a call: one call for most folders.
   * Box keeps names unique in a folder (case-insensitively), so at most one matches.
   */
  async lookup(folder: Locator, name: string): Promise<Entry | null> {
    const id = this.folderId(folder);
    let marker: string | undefined;
    do {
      const page = await this.items(id, MAX_ITEMS_LIMIT, marker, 'lookup');
      const found = page.entries.find((item) => isFileOrFolder(item) && item.name === name);
      if (found) return entryOf(found);
      marker = page.next_marker || undefined;
    } while (marker);
    return null;
  }

  /** GET /files/{id}/content answers 302 to a pre-authorized URL on Box's download host, followed only to the configured hosts. */
  async read(locator: Locator, range?: ByteRange): Promise<ReadResult> {
    const id = this.fileId(locator);
    if (range) resolveRange(range, Number.MAX_SAFE_INTEGER); // checks the numbers before asking
    const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end ?? ''}` } : {};
    return this.upstream.call(
      'read',
      async () => {
        let res = await this.api.send('read', { method: 'GET', url: `${this.config.apiUrl}/files/${id}/content`, headers });
        if (res.status >= 300 && res.status < 400) {
          res.body.resume();
          // Pre-authorized: the Bearer token never goes to the download host.
          res = await this.api.send('read', { method: 'GET', url: this.downloadUrl(res).toString(), headers, anonymous: true });
        }
        if (res.status === 202) {
          res.body.resume();
          throw new UpstreamError(202, 'Box is still processing the file; it can be read shortly.');
        }
        return readResultOf(res, range, (err) => this.upstream.map(err, 'read'));
      },
      { retry: true },
    );
  }

  /**
   * Creates `name`, or uploads a new version of the file of that name (Box
   * keeps its id). Known sizes from `chunkedUploadThreshold` go through an
   * upload session. An unknown size is read up to the threshold (at most
   * 8 MiB): a body that ends there is sent whole; a longer one streams
   * through the simple upload, since a session needs the size before the first byte.
   */
  async write(folder: Locator, name: string, body: Readable, options: WriteOptions = {}): Promise<Entry> {
    const folderId = this.folderId(folder);
    const existing = await this.lookup(folder, name);
    if (existing?.kind === 'folder') {
      body.resume();
      throw new ConflictError('A folder of that name is already there.', existing.locator);
    }
    const target: UploadTarget = { folderId, name, fileId: existing ? this.ref(existing.locator).id : undefined };
    const threshold = this.config.chunkedUploadThreshold;
    const item = await this.upstream.call('write', async () => {
      if (options.size !== undefined) {
        return options.size >= threshold ? this.uploads.chunked(target, body, options.size) : this.uploads.simple(target, body, options.size);
      }
      const { head, rest } = await peek(body, Math.min(threshold, UNSIZED_BUFFER));
      if (rest) return this.uploads.simple(target, rest);
      const whole = bufferStream(head);
      return head.length >= threshold ? this.uploads.chunked(target, whole, head.length) : this.uploads.simple(target, whole, head.length);
    });
    return entryOf(item);
  }

  /** POST /folders; Box answers 409 item_name_in_use when the name is taken. */
  async mkdir(folder: Locator, name: string): Promise<Entry> {
    const parent = this.folderId(folder);
    const item = await this.upstream.call('mkdir', () =>
      this.api.json<BoxItem>('mkdir', { method: 'POST', url: `${this.config.apiUrl}/folders`, query: { fields: ITEM_FIELDS }, json: { name, parent: { id: parent } } }),
    );
    return entryOf(item);
  }

  /** PUT /files/{id} or /folders/{id} with the new name and parent; the id stays. */
  async move(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    const ref = this.movable(locator, 'moved');
    const parent = this.folderId(toFolder);
    const item = await this.upstream.call('move', () =>
      this.api.json<BoxItem>('move', {
        method: 'PUT',
        url: `${this.config.apiUrl}/${ref.kind}s/${ref.id}`,
        query: { fields: ITEM_FIELDS },
        json: { name, parent: { id: parent } },
      }),
    );
    return entryOf(item);
  }

  /** DELETE moves the item to Box's trash; a non-empty folder needs recursive=true (else 400 folder_not_empty). */
  async remove(locator: Locator, options: { recursive: boolean }): Promise<void> {
    const ref = this.movable(locator, 'removed');
    await this.upstream.call('remove', async () => {
      const res = await this.api.send('remove', {
        method: 'DELETE',
        url: `${this.config.apiUrl}/${ref.kind}s/${ref.id}`,
        query: ref.kind === 'folder' ? { recursive: options.recursive } : undefined,
      });
      res.body.resume();
    });
  }

  /** POST /files/{id}/copy or /folders/{id}/copy: server-side. */
  async copy(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    const ref = this.movable(locator, 'copied');
    const parent = this.folderId(toFolder);
    const item = await this.upstream.call('copy', () =>
      this.api.json<BoxItem>('copy', {
        method: 'POST',
        url: `${this.config.apiUrl}/${ref.kind}s/${ref.id}/copy`,
        query: { fields: ITEM_FIELDS },
        json: { name, parent: { id: parent } },
      }),
    );
    return entryOf(item);
  }

  /** GET /search on names below `folder` (ancestor_folder_ids), offset-paged. Box indexes new items with a delay. */
  async search(folder: Locator, query: string, options: ListOptions): Promise<Page<Entry>> {
    const id = this.folderId(folder);
    if (!query.trim()) throw new InvalidParametersError('The search query must not be empty.');
    const limit = Math.min(checkPageSize(options), MAX_SEARCH_LIMIT);
    const offset = options.cursor ? Number(cursorField(options.cursor, 'offset')) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidParametersError('cursor is not a valid page cursor');
    const found = await this.upstream.call(
      'search',
      () =>
        this.api.json<BoxSearchResults>('search', {
          method: 'GET',
          url: `${this.config.apiUrl}/search`,
          // Below the root is the whole account: no ancestor filter.
          query: { query, ancestor_folder_ids: id === ROOT_FOLDER_ID ? undefined : id, content_types: 'name', fields: ITEM_FIELDS, limit, offset },
        }),
      { retry: true },
    );
    const next = offset + found.entries.length;
    return {
      items: found.entries.filter(isFileOrFolder).map(entryOf),
      next: found.entries.length > 0 && next < found.total_count ? encodeCursor({ offset: String(next) }) : null,
    };
  }

  /** One cheap call: the root folder's id. */
  async validateCredentials(): Promise<void> {
    await this.upstream.call('validateCredentials', () =>
      this.api.json('validateCredentials', { method: 'GET', url: `${this.config.apiUrl}/folders/${ROOT_FOLDER_ID}`, query: { fields: 'id' } }),
    );
  }

  async close(): Promise<void> {
    this.api.close();
  }

  private items(folderId: string, limit: number, marker: string | undefined, op = 'list'): Promise<BoxItems> {
    return this.upstream.call(
      op,
      () =>
        this.api.json<BoxItems>(op, {
          method: 'GET',
          url: `${this.config.apiUrl}/folders/${folderId}/items`,
          query: { fields: ITEM_FIELDS, limit, usemarker: true, marker },
        }),
      { retry: true },
    );
  }

  private downloadUrl(res: ApiResponse): URL {
    const location = header(res.headers, 'location');
    if (!location) throw new UpstreamError(res.status, 'Box redirected the download without a Location.');
    const url = new URL(location, `${this.config.apiUrl}/`);
    if (!isAllowedHost(url, this.config.downloadHosts)) {
      // Not retryable: the same redirect would come again.
      throw new AppError('bad_gateway', `Box redirected the download to ${url.host}, which is not a configured download host (downloadHosts).`);
    }
    return url;
  }

  private ref(locator: Locator): BoxRef {
    const ref = refOf(locator);
    if (!ref) throw new NotFoundError();
    return ref;
  }

  private folderId(locator: Locator): string {
    const ref = this.ref(locator);
    if (ref.kind !== 'folder') throw new NotFoundError('The folder was not found (that is a file).');
    return ref.id;
  }

  private fileId(locator: Locator): string {
    const ref = this.ref(locator);
    if (ref.kind !== 'file') throw new NotFoundError('The file was not found (that is a folder).');
    return ref.id;
  }

  /** Anything but the root, which Box does not let anyone move, copy or delete. */
  private movable(locator: Locator, verb: string): BoxRef {
    const ref = this.ref(locator);
    if (ref.kind === 'folder' && ref.id === ROOT_FOLDER_ID) throw new InvalidParametersError(`The root folder cannot be ${verb}.`);
    return ref;
  }
}

function cursorField(cursor: string, field: string): string {
  const value = decodeCursor(cursor)[field];
  if (typeof value !== 'string' || value === '') throw new InvalidParametersError('cursor is not a valid page cursor');
  return value;
}

function bufferStream(buffer: Buffer): Readable {
  return Readable.from([buffer], { objectMode: false });
}

/** A download answer (200 whole, 206 partial) → ReadResult; a server that ignored Range is sliced here. */
function readResultOf(res: ApiResponse, range: ByteRange | undefined, mapError: (err: unknown) => Error): ReadResult {
  const mimeType = contentType(res);
  const partial = parseContentRange(header(res.headers, 'content-range'));
  if (res.status === 206 && partial) {
    return { stream: through(res.body, new PassThrough(), mapError), size: partial.total, contentLength: partial.end - partial.start + 1, mimeType };
  }
  const size = Number(header(res.headers, 'content-length'));
  if (res.status !== 200 || !Number.isFinite(size)) {
    res.body.resume();
    throw new UpstreamError(res.status, `Box answered the download with ${res.status} and no usable length.`);
  }
  if (!range) return { stream: through(res.body, new PassThrough(), mapError), size, contentLength: size, mimeType };
  let resolved: ReturnType<typeof resolveRange>;
  try {
    resolved = resolveRange(range, size);
  } catch (err) {
    res.body.resume();
    throw err;
  }
  return { stream: through(res.body, new SliceStream(resolved.start, resolved.length), mapError), size, contentLength: resolved.length, mimeType };
}

/** Pipes the download into `out`, whose errors are AppErrors. */
function through(body: Readable, out: Transform, mapError: (err: unknown) => Error): Readable {
  forwardErrors(body, out, mapError);
  return body.pipe(out);
}

function contentType(res: ApiResponse): string | undefined {
  const value = header(res.headers, 'content-type')?.split(';')[0].trim();
  return value && value !== 'application/octet-stream' ? value : undefined;
}

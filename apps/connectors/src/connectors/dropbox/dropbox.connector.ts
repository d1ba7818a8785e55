import { PassThrough, pipeline, type Readable } from 'node:stream';
import { FolderNotEmptyError, InvalidParametersError, NotFoundError, UpstreamError } from '@app/common';
import type { ByteRange, ChunkWriter, ChunkWriterOptions, Connector, Entry, Features, ListOptions, Locator, Page, ReadResult, WriteOptions } from '../connector';
import { header, OAuthApi } from '../oauth-api';
import { checkPageSize, decodeCursor, encodeCursor } from '../paging';
import { resolveRange } from '../range';
import type { ConnectorDeps } from '../registry';
import { SliceStream } from '../streams';
import { upstreamFor } from '../upstream';
import { oauthRaw, oauthRawRoots } from '../raw/oauth-raw';
import type { RawRequest, RawResponse } from '../raw/raw-request';
import { chunksOf } from './chunks';
import { CONCURRENT_ALIGNMENT, DropboxChunkWriter, resumedSession } from './dropbox.chunk-writer';
import type { DropboxConfig } from './dropbox.config';
import { headerJson, IncorrectOffsetError, mapDropboxFailure, mimeTypeOf, parentPathOf, ROOT_ENTRY, toAppError, toEntry, type DropboxMetadata } from './dropbox.mapper';

/** list_folder's `limit` and search_v2's `max_results` ceilings. */
const MAX_LIST_LIMIT = 2000;
const MAX_SEARCH_RESULTS = 1000;

interface ListFolderResult {
  entries: DropboxMetadata[];
  cursor: string;
  has_more: boolean;
}

interface SearchResult {
  matches: { metadata: { '.tag': string; metadata: DropboxMetadata } }[];
  has_more: boolean;
  cursor?: string;
}

/**
 * Our page cursor over a Dropbox cursor: `c` is the Dropbox cursor that
 * fetched the current Dropbox page (null: the first call), `skip` how many of
 * its entries were returned already. Dropbox cursors can be replayed, and
 * Dropbox may return more than `limit` entries (or a later pageSize may be
 * smaller), so a page is cut to pageSize and the rest served from a replay.
 */
interface PageCursor {
  c: string | null;
  skip: number;
  /** search_v2's max_results of the first call, replayed as it was. */
  max?: number;
}

/**
 * Dropbox API v2 (https://www.dropbox.com/developers/documentation/http/documentation),
 * addressed by Dropbox file ids (`id:…`); '' is the root (Dropbox's "" path).
 * Plain HTTP through OAuthApi, no Dropbox SDK: one 401-refresh and 429 policy,
 * the outbound address policy and streaming, the same for every OAuth service.
 * Dropbox names new objects by path, so writes, mkdir, move and copy first
 * read the target folder's path_lower from its id. Names are
 * case-insensitive in Dropbox: a name taken in another case is a conflict.
 *
 * write() streams large files through a sequential upload session;
 * openChunkWriter uses a concurrent one (parts in any order, in parallel),
 * whose parts Dropbox wants in multiples of 4 MiB (see DropboxChunkWriter).
 */
export class DropboxConnector implements Connector {
  static readonly features: Features = {
    addressing: 'id',
    bucketBased: false,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: ['dropbox_content_hash'],
    // Concurrent upload sessions: pieces in multiples of 4 MiB, at most 150 MiB a request, files up to 2^41 - 2^22 bytes.
    minPartSize: CONCURRENT_ALIGNMENT,
    maxPartSize: 37 * CONCURRENT_ALIGNMENT,
    maxParts: 2 ** 19 - 1,
    rawPassthrough: true,
  };
  readonly features = DropboxConnector.features;
  private readonly api: OAuthApi;
  private readonly upstream = upstreamFor('dropbox', toAppError);

  constructor(private readonly config: DropboxConfig, deps: ConnectorDeps) {
    if (!deps.tokens) throw new InvalidParametersError('dropbox needs the account\'s OAuth access token.');
    this.api = new OAuthApi({ tokens: deps.tokens, outbound: deps.outbound, mapFailure: mapDropboxFailure });
  }

  /** A request of the client's own on the service's API with the account's token (POST /v1/accounts/{id}/raw). */
  async raw(request: RawRequest): Promise<RawResponse> {
    return this.upstream.call('raw', () => oauthRaw(this.api, oauthRawRoots(this.config.apiUrl, this.config.contentUrl), request));
  }

  async list(folder: Locator, options: ListOptions): Promise<Page<Entry>> {
    const pageSize = checkPageSize(options);
    const at = options.cursor ? pageCursor(options.cursor) : { c: null, skip: 0 };
    const path = dropboxPath(folder);
    return this.upstream.call(
      'list',
      async () => {
        const result = at.c
          ? await this.rpc<ListFolderResult>('list', 'files/list_folder/continue', { cursor: at.c })
          : await this.rpc<ListFolderResult>('list', 'files/list_folder', { path, limit: Math.min(pageSize, MAX_LIST_LIMIT) });
        const live = result.entries.filter((e) => e['.tag'] !== 'deleted');
        const items = live.slice(at.skip, at.skip + pageSize).map((meta) => toEntry(meta, folder));
        return { items, next: nextCursor(at, live.length, pageSize, result.has_more ? result.cursor : null) };
      },
      { retry: true },
    );
  }

  async stat(locator: Locator): Promise<Entry> {
    if (locator === '') return { ...ROOT_ENTRY };
    const path = dropboxPath(locator);
    return this.upstream.call(
      'stat',
      async () => {
        const meta = await this.metadata('stat', path);
        return toEntry(meta, await this.parentOf(meta));
      },
      { retry: true },
    );
  }

  async lookup(folder: Locator, name: string): Promise<Entry | null> {
    checkName(name);
    return this.upstream.call(
      'lookup',
      async () => {
        const path = `${await this.folderPath('lookup', folder)}/${name}`;
        try {
          const meta = await this.metadata('lookup', path);
          // Dropbox matches names whatever their case; ours is exact.
          return meta.name === name ? toEntry(meta, folder) : null;
        } catch (err) {
          if (err instanceof NotFoundError) return null;
          throw err;
        }
      },
      { retry: true },
    );
  }

  async read(locator: Locator, range?: ByteRange): Promise<ReadResult> {
    const path = dropboxPath(locator);
    if (path === '') throw new NotFoundError('The root is a folder.');
    if (range) resolveRange(range, Number.MAX_SAFE_INTEGER); // checks the bounds' shape before any call
    return this.upstream.call(
      'read',
      async () => {
        const headers: Record<string, string> = { 'dropbox-api-arg': headerJson({ path }) };
        if (range) headers.range = `bytes=${range.start}-${range.end ?? ''}`;
        const res = await this.api.send('read', { method: 'POST', url: `${this.config.contentUrl}/2/files/download`, headers });
        let meta: DropboxMetadata;
        try {
          meta = JSON.parse(header(res.headers, 'dropbox-api-result') ?? '') as DropboxMetadata;
        } catch {
          res.body.resume();
          throw new UpstreamError(res.status, 'Dropbox sent a file without its metadata.');
        }
        const size = Number(meta.size);
        const out = new PassThrough();
        const onDone = (err: Error | null) => {
          if (err && !out.destroyed) out.destroy(this.upstream.map(err, 'read'));
        };
        let contentLength: number;
        if (res.status === 206 || !range) {
          const span = res.status === 206 ? /^bytes (\d+)-(\d+)\//.exec(header(res.headers, 'content-range') ?? '') : null;
          contentLength = span ? Number(span[2]) - Number(span[1]) + 1 : size;
          pipeline(res.body, out, onDone);
        } else {
          // A whole answer to a ranged request: cut the range out here.
          const { start, length } = resolveRange(range, size);
          contentLength = length;
          pipeline(res.body, new SliceStream(start, length), out, onDone);
        }
        return { stream: out, size, contentLength, mimeType: mimeTypeOf(meta.name) };
      },
      { retry: true },
    );
  }

  /**
   * Up to one chunk (config.uploadChunkSize) goes in one files/upload; more
   * goes through an upload session, one chunk per request, so at most two
   * chunks are ever held. mode overwrite replaces a file of that name.
   */
  async write(folder: Locator, name: string, body: Readable, _options?: WriteOptions): Promise<Entry> {
    checkName(name);
    return this.upstream.call('write', async () => {
      const path = `${await this.folderPath('write', folder)}/${name}`;
      const commit = { path, mode: 'overwrite', autorename: false, mute: true, strict_conflict: false };
      const chunks = chunksOf(body, this.config.uploadChunkSize);
      const first = await chunks.next();
      const second = first.done ? first : await chunks.next();
      if (second.done) {
        const data = first.done ? Buffer.alloc(0) : first.value;
        return toEntry(await this.upload<DropboxMetadata>('write', 'files/upload', commit, data), folder);
      }
      const { session_id } = await this.upstream.call('write', () => this.upload<{ session_id: string }>('write', 'files/upload_session/start', { close: false }, first.value as Buffer), { retry: true });
      let offset = (first.value as Buffer).length;
      for (let chunk: IteratorResult<Buffer> = second; !chunk.done; chunk = await chunks.next()) {
        await this.append(session_id, offset, chunk.value);
        offset += chunk.value.length;
      }
      const meta = await this.upload<DropboxMetadata>('write', 'files/upload_session/finish', { cursor: { session_id, offset }, commit }, Buffer.alloc(0));
      return toEntry(meta, folder);
    });
  }

  async mkdir(folder: Locator, name: string): Promise<Entry> {
    checkName(name);
    return this.upstream.call('mkdir', async () => {
      const path = `${await this.folderPath('mkdir', folder)}/${name}`;
      const { metadata } = await this.rpc<{ metadata: DropboxMetadata }>('mkdir', 'files/create_folder_v2', { path, autorename: false });
      return toEntry({ '.tag': 'folder', ...metadata }, folder);
    });
  }

  async move(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    return this.relocate('move', 'files/move_v2', locator, toFolder, name);
  }

  async copy(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    return this.relocate('copy', 'files/copy_v2', locator, toFolder, name);
  }

  /** delete_v2 removes folders with their content, so a plain remove first checks the folder is empty. */
  async remove(locator: Locator, options: { recursive: boolean }): Promise<void> {
    const path = dropboxPath(locator);
    if (path === '') throw new InvalidParametersError('The root cannot be removed.');
    await this.upstream.call('remove', async () => {
      if (!options.recursive) {
        let listing: ListFolderResult | null = null;
        try {
          listing = await this.rpc<ListFolderResult>('remove', 'files/list_folder', { path, limit: 1 });
        } catch (err) {
          // A file (path/not_folder) or nothing (delete_v2 says so below).
          if (!(err instanceof NotFoundError)) throw err;
        }
        if (listing && (listing.entries.some((e) => e['.tag'] !== 'deleted') || listing.has_more)) throw new FolderNotEmptyError();
      }
      await this.rpc('remove', 'files/delete_v2', { path });
    });
  }

  /** Dropbox's filename search (word prefixes, case-insensitive) below `folder`. */
  async search(folder: Locator, query: string, options: ListOptions): Promise<Page<Entry>> {
    const pageSize = checkPageSize(options);
    if (query.trim() === '') throw new InvalidParametersError('The search query is empty.');
    const at = options.cursor ? pageCursor(options.cursor) : { c: null, skip: 0 };
    const max = at.max ?? Math.min(pageSize, MAX_SEARCH_RESULTS);
    return this.upstream.call(
      'search',
      async () => {
        const folderPath = await this.folderPath('search', folder);
        const result = at.c
          ? await this.rpc<SearchResult>('search', 'files/search/continue_v2', { cursor: at.c })
          : await this.rpc<SearchResult>('search', 'files/search_v2', {
              query,
              options: { ...(folderPath ? { path: folderPath } : {}), max_results: max, file_status: 'active', filename_only: true },
            });
        const found = result.matches.map((m) => m.metadata.metadata).filter((meta) => meta && meta['.tag'] !== 'deleted');
        const page = found.slice(at.skip, at.skip + pageSize);
        const parents = new Map<string, Promise<Locator>>([[folderPath, Promise.resolve(folder)]]);
        const items = await Promise.all(
          page.map(async (meta) => {
            const parentPath = parentPathOf(meta.path_lower ?? '');
            if (!parents.has(parentPath)) parents.set(parentPath, this.locatorOfPath('search', parentPath));
            return toEntry(meta, await parents.get(parentPath)!);
          }),
        );
        return { items, next: nextCursor({ ...at, max }, found.length, pageSize, result.has_more ? (result.cursor ?? null) : null) };
      },
      { retry: true },
    );
  }

  async openChunkWriter(folder: Locator, name: string, options: ChunkWriterOptions): Promise<ChunkWriter> {
    checkName(name);
    const { size } = options;
    if (!Number.isInteger(size) || size < 0) throw new InvalidParametersError('The upload size must be a non-negative integer.');
    const sessionId = await this.upstream.call('openChunkWriter', async () => {
      // A missing folder fails now rather than at complete.
      await this.folderPath('openChunkWriter', folder);
      if (options.resume) return resumedSession(options.resume, size);
      const started = await this.upload<{ session_id: string }>('openChunkWriter', 'files/upload_session/start', { close: false, session_type: { '.tag': 'concurrent' } }, Buffer.alloc(0));
      return started.session_id;
    }, { retry: true });
    return new DropboxChunkWriter(sessionId, size, this.features, {
      append: (id, offset, body, length, close) =>
        this.upstream.call('writePart', async () => {
          await this.api.send('writePart', {
            method: 'POST',
            url: `${this.config.contentUrl}/2/files/upload_session/append_v2`,
            headers: { 'dropbox-api-arg': headerJson({ cursor: { session_id: id, offset }, close }), 'content-type': 'application/octet-stream', 'content-length': String(length) },
            body,
          }).then((res) => res.body.resume());
        }),
      finish: (id, total) =>
        this.upstream.call('complete', async () => {
          const path = `${await this.folderPath('complete', folder)}/${name}`;
          const commit = { path, mode: 'overwrite', autorename: false, mute: true, strict_conflict: false };
          return toEntry(await this.upload<DropboxMetadata>('complete', 'files/upload_session/finish', { cursor: { session_id: id, offset: total }, commit }, Buffer.alloc(0)), folder);
        }),
    });
  }

  /** An unfinished upload session leaves nothing visible, and Dropbox expires it after 7 days: nothing to remove. */
  async abortChunkUpload(_folder: Locator, _name: string, _uploadKey: string): Promise<void> {}

  async validateCredentials(): Promise<void> {
    await this.upstream.call('validateCredentials', () => this.rpc('validateCredentials', 'files/list_folder', { path: '', limit: 1 }), { retry: true });
  }

  async close(): Promise<void> {
    this.api.close();
  }

  private async relocate(op: 'move' | 'copy', endpoint: string, locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    checkName(name);
    const from = dropboxPath(locator);
    if (from === '') throw new InvalidParametersError(`The root cannot be ${op === 'move' ? 'moved' : 'copied'}.`);
    return this.upstream.call(op, async () => {
      const to = `${await this.folderPath(op, toFolder)}/${name}`;
      const { metadata } = await this.rpc<{ metadata: DropboxMetadata }>(op, endpoint, { from_path: from, to_path: to, autorename: false, allow_ownership_transfer: false });
      return toEntry(metadata, toFolder);
    });
  }

  /** Appends one chunk; a resent chunk that had arrived already (Dropbox says the offset is past it) counts as sent. */
  private append(sessionId: string, offset: number, chunk: Buffer): Promise<void> {
    return this.upstream.call(
      'write',
      async () => {
        try {
          await this.upload('write', 'files/upload_session/append_v2', { cursor: { session_id: sessionId, offset }, close: false }, chunk);
        } catch (err) {
          if (err instanceof IncorrectOffsetError && err.correctOffset === offset + chunk.length) return;
          throw err;
        }
      },
      { retry: true },
    );
  }

  private rpc<T>(op: string, endpoint: string, arg: unknown): Promise<T> {
    return this.api.json<T>(op, { method: 'POST', url: `${this.config.apiUrl}/2/${endpoint}`, json: arg });
  }

  private upload<T>(op: string, endpoint: string, arg: unknown, data: Buffer): Promise<T> {
    return this.api.json<T>(op, {
      method: 'POST',
      url: `${this.config.contentUrl}/2/${endpoint}`,
      headers: { 'dropbox-api-arg': headerJson(arg), 'content-type': 'application/octet-stream' },
      body: data,
    });
  }

  private metadata(op: string, path: string): Promise<DropboxMetadata> {
    return this.rpc<DropboxMetadata>(op, 'files/get_metadata', { path });
  }

  /** The path_lower of a folder, '' for the root. @throws NotFoundError when missing or a file */
  private async folderPath(op: string, folder: Locator): Promise<string> {
    const path = dropboxPath(folder);
    if (path === '') return '';
    const meta = await this.metadata(op, path);
    if (meta['.tag'] !== 'folder' || !meta.path_lower) throw new NotFoundError('The folder does not exist.');
    return meta.path_lower;
  }

  /** The locator of the folder holding `meta` (Dropbox metadata names no parent id). */
  private parentOf(meta: DropboxMetadata): Promise<Locator> {
    return this.locatorOfPath('stat', parentPathOf(meta.path_lower ?? ''));
  }

  private async locatorOfPath(op: string, path: string): Promise<Locator> {
    return path === '' ? '' : (await this.metadata(op, path)).id;
  }
}

/** A locator as a Dropbox path argument: '' (the root) or a Dropbox id. */
function dropboxPath(locator: Locator): string {
  if (locator === '' || /^id:[^/\\\0]+$/.test(locator)) return locator;
  throw new NotFoundError('No Dropbox item has this id.');
}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new InvalidParametersError(`"${name}" is not a valid file or folder name.`);
}

function pageCursor(cursor: string): PageCursor {
  const value = decodeCursor(cursor);
  const c = value.c;
  const skip = value.skip;
  if ((c !== null && typeof c !== 'string') || typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0 || (value.max !== undefined && typeof value.max !== 'number')) {
    throw new InvalidParametersError('cursor is not a valid page cursor');
  }
  return { c, skip, max: value.max as number | undefined };
}

/** The rest of this Dropbox page if pageSize cut it, else Dropbox's next page, else none. */
function nextCursor(at: PageCursor, fetched: number, pageSize: number, dropboxNext: string | null): string | null {
  const extra = at.max === undefined ? {} : { max: at.max };
  if (at.skip + pageSize < fetched) return encodeCursor({ c: at.c, skip: at.skip + pageSize, ...extra });
  return dropboxNext ? encodeCursor({ c: dropboxNext, skip: 0, ...extra }) : null;
}

import { PassThrough, type Readable } from 'node:stream';
import {
  BadRequestError,
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  UpstreamError,
} from '@app/common';
import { ROOT, type ByteRange, type Connector, type Entry, type Features, type ListOptions, type Locator, type Page, type ReadResult, type WriteOptions } from '../connector';
import { header, OAuthApi, readText, type ApiResponse } from '../oauth-api';
import { checkPageSize, decodeCursor, encodeCursor } from '../paging';
import { resolveRange } from '../range';
import type { ConnectorDeps } from '../registry';
import { forwardErrors, SliceStream } from '../streams';
import { upstreamFor } from '../upstream';
import { oauthRaw, oauthRawRoots } from '../raw/oauth-raw';
import type { RawRequest, RawResponse } from '../raw/raw-request';
import type { OnedriveConfig } from './onedrive.config';
import { entryOf, FragmentOverlapError, mapFailure, parentOf, rootEntry, toAppError, type AsyncJobStatus, type DriveItem, type DriveItemPage } from './onedrive.mapper';
import { QuickXorHash } from './quickxor';
import { chunksOf, readHead, spool } from './upload-source';

/** Our service name (Kloudless called OneDrive "skydrive"): metrics and log tags. */
const SERVICE = 'skydrive';
const REPLACE = { '@microsoft.graph.conflictBehavior': 'replace' } as const;
const FAIL = { '@microsoft.graph.conflictBehavior': 'fail' } as const;

/**
 * OneDrive (personal and for Business) through Microsoft Graph v1.0,
 * addressed by item id; the root is Graph's `root` alias, and its real id is
 * reported as `''` wherever it appears as a parent.
 *
 * Plain HTTP through OAuthApi rather than the Graph SDK: every OAuth service
 * shares one 401-refresh and 429 policy, the outbound address policy, keep-alive
 * connections and streamed bodies.
 *
 * No `openChunkWriter`: an upload session takes its fragments strictly in
 * order, one after the other (an out-of-order fragment is refused), while our
 * ChunkWriter contract lets parts arrive in any order and in parallel. Large
 * files go through the session inside `write()` instead, fragment by
 * fragment, holding one fragment in memory at a time.
 *
 * OneDrive names are unique per folder case-insensitively: a name that differs
 * only in case from a sibling's is taken (ConflictError), and `lookup` answers
 * only an exact match.
 */
export class OnedriveConnector implements Connector {
  static readonly features: Features = {
    addressing: 'id',
    bucketBased: false,
    canHaveEmptyFolders: true,
    rangedReads: true,
    // Every drive type reports quickXorHash; sha1Hash/sha256Hash only some (kept in raw).
    checksums: ['quickxor'],
    rawPassthrough: true,
  };
  readonly features = OnedriveConnector.features;
  private readonly api: OAuthApi;
  private readonly upstream = upstreamFor(SERVICE, toAppError);
  private readonly base: string;
  private root?: Promise<DriveItem>;

  constructor(private readonly config: OnedriveConfig, deps: ConnectorDeps) {
    if (!deps.tokens) throw new InvalidParametersError('The OneDrive connector needs the account’s OAuth tokens.');
    this.base = config.apiUrl;
    this.api = new OAuthApi({ tokens: deps.tokens, outbound: deps.outbound, mapFailure });
  }

  /** A request of the client's own on the service's API with the account's token (POST /v1/accounts/{id}/raw). */
  async raw(request: RawRequest): Promise<RawResponse> {
    return this.upstream.call('raw', () => oauthRaw(this.api, oauthRawRoots(this.config.apiUrl), request));
  }

  async list(folder: Locator, options: ListOptions): Promise<Page<Entry>> {
    const pageSize = checkPageSize(options);
    const url = options.cursor ? this.nextLink(options.cursor, pageSize) : `${this.item(folder)}/children`;
    const page = await this.upstream.call('list', () => this.api.json<DriveItemPage>('list', { method: 'GET', url, query: options.cursor ? undefined : { $top: pageSize } }), { retry: true });
    // A file has no children: Graph answers an empty page, our contract a NotFoundError.
    if (!options.cursor && page.value.length === 0 && folder !== ROOT && (await this.stat(folder)).kind !== 'folder') {
      throw new NotFoundError('The folder does not exist (it is a file).');
    }
    return { items: page.value.map((item) => entryOf(item, folder)), next: this.cursorOf(page) };
  }

  async stat(locator: Locator): Promise<Entry> {
    const item = await this.getItem(locator);
    return this.located(item);
  }

  async lookup(folder: Locator, name: string): Promise<Entry | null> {
    checkName(name);
    const item = await this.findChild(folder, name);
    // Graph resolves names case-insensitively; ours are exact.
    return item && item.name === name ? entryOf(item, folder) : null;
  }

  async read(locator: Locator, range?: ByteRange): Promise<ReadResult> {
    if (range) resolveRange(range, Number.MAX_SAFE_INTEGER); // checks the bounds' form; the size comes with the answer
    const res = await this.upstream.call('read', () => this.download(locator, range), { retry: true });
    return this.readResult(res, range);
  }

  async write(folder: Locator, name: string, body: Readable, options: WriteOptions = {}): Promise<Entry> {
    checkName(name);
    // Graph's `replace` would also apply to a folder of that name (in any case): make sure it is a file, or nothing.
    const existing = await this.findChild(folder, name);
    if (existing?.folder) {
      body.resume();
      throw new ConflictError(`A folder named "${existing.name}" is there.`, existing.id);
    }
    const limit = this.config.simpleUploadLimit;
    if (options.size !== undefined && options.size > limit) {
      return this.sessionUpload(folder, name, body, options.size);
    }
    const head = await readHead(body, limit);
    if (head.ended && head.head.length <= limit) return this.simpleUpload(folder, name, head.head, options.mimeType);
    if (options.size !== undefined) return this.sessionUpload(folder, name, head.whole(), options.size);
    const spooled = await this.upstream.call('write', () => spool(head.whole()));
    try {
      return await this.sessionUpload(folder, name, spooled.open(), spooled.size);
    } finally {
      await spooled.release();
    }
  }

  async mkdir(folder: Locator, name: string): Promise<Entry> {
    checkName(name);
    const item = await this.upstream.call('mkdir', () =>
      this.api.json<DriveItem>('mkdir', { method: 'POST', url: `${this.item(folder)}/children`, json: { name, folder: {}, ...FAIL } }),
    );
    return entryOf(item, folder);
  }

  async move(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    checkName(name);
    if (locator === ROOT) throw new BadRequestError('The root folder cannot be moved.');
    const parentId = await this.idOf(toFolder);
    const item = await this.upstream.call('move', () =>
      this.api.json<DriveItem>('move', { method: 'PATCH', url: this.item(locator), query: FAIL, json: { name, parentReference: { id: parentId } } }),
    );
    return entryOf(item, toFolder);
  }

  async remove(locator: Locator, options: { recursive: boolean }): Promise<void> {
    if (locator === ROOT) throw new BadRequestError('The root folder cannot be removed.');
    if (!options.recursive) {
      // Graph deletes folders with their content; the emptiness check is ours.
      const item = await this.getItem(locator);
      if (item.folder && (item.folder.childCount ?? 0) > 0) throw new FolderNotEmptyError();
    }
    await this.upstream.call('remove', async () => {
      const res = await this.api.send('remove', { method: 'DELETE', url: this.item(locator) });
      res.body.resume();
    }, { retry: true });
  }

  /** Server-side copy: Graph copies asynchronously; we follow its monitor URL until the copy exists. */
  async copy(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    checkName(name);
    if (locator === ROOT) throw new BadRequestError('The root folder cannot be copied.');
    const [root, parentId] = await Promise.all([this.rootItem(), this.idOf(toFolder)]);
    const monitor = await this.upstream.call('copy', async () => {
      const res = await this.api.send('copy', {
        method: 'POST',
        url: `${this.item(locator)}/copy`,
        query: FAIL,
        json: { parentReference: { driveId: root.parentReference?.driveId, id: parentId }, name },
      });
      res.body.resume();
      const location = header(res.headers, 'location');
      if (!location) throw new UpstreamError(res.status, 'OneDrive accepted the copy without a monitor URL.');
      return location;
    });
    const resourceId = await this.awaitCopy(monitor);
    const item = await this.getItem(resourceId);
    return entryOf(item, toFolder);
  }

  /** Name search below `folder` (Graph's search, narrowed to names: it also matches content). */
  async search(folder: Locator, query: string, options: ListOptions): Promise<Page<Entry>> {
    const pageSize = checkPageSize(options);
    if (!query.trim()) throw new InvalidParametersError('The search query is empty.');
    const q = encodeURIComponent(query.replace(/'/g, "''"));
    const url = options.cursor ? this.nextLink(options.cursor, pageSize) : `${this.item(folder)}/search(q='${q}')`;
    const page = await this.upstream.call('search', () => this.api.json<DriveItemPage>('search', { method: 'GET', url, query: options.cursor ? undefined : { $top: pageSize } }), { retry: true });
    const needle = query.toLowerCase();
    const matches = page.value.filter((item) => !item.root && item.id !== folder && item.name.toLowerCase().includes(needle));
    return { items: await Promise.all(matches.map((item) => this.located(item))), next: this.cursorOf(page) };
  }

  async validateCredentials(): Promise<void> {
    await this.rootItem();
  }

  async close(): Promise<void> {
    this.api.close();
  }

  // --- addressing ---

  /** The URL of an item: the root by Graph's alias, anything else by id. */
  private item(locator: Locator): string {
    if (locator === ROOT) return `${this.base}/root`;
    if (/[/\\\0]/.test(locator) || locator === '.' || locator === '..') throw new InvalidParametersError('Not a OneDrive item id.');
    return `${this.base}/items/${encodeURIComponent(locator)}`;
  }

  /** The child `name` of a folder, by Graph's path addressing relative to the folder (`…/items/{id}:/{name}:`). */
  private child(folder: Locator, name: string): string {
    // encodeURIComponent leaves ' as is; in an OData URL it is safer escaped.
    return `${this.item(folder)}:/${encodeURIComponent(name).replace(/'/g, '%27')}:`;
  }

  /** The child of `folder` that Graph resolves `name` to (case-insensitively), or null. */
  private async findChild(folder: Locator, name: string): Promise<DriveItem | null> {
    try {
      return await this.upstream.call('lookup', () => this.api.json<DriveItem>('lookup', { method: 'GET', url: this.child(folder, name) }), { retry: true });
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  /** The real id of a folder (Graph wants it, not the alias, in a parentReference). */
  private async idOf(folder: Locator): Promise<string> {
    return folder === ROOT ? (await this.rootItem()).id : folder;
  }

  private async getItem(locator: Locator): Promise<DriveItem> {
    if (locator === ROOT) return this.rootItem(true);
    return this.upstream.call('stat', () => this.api.json<DriveItem>('stat', { method: 'GET', url: this.item(locator) }), { retry: true });
  }

  /** The root item (its id and drive id), fetched once per connector; `fresh` reads it again. */
  private rootItem(fresh = false): Promise<DriveItem> {
    if (fresh || !this.root) {
      const root = this.upstream.call('stat', () => this.api.json<DriveItem>('stat', { method: 'GET', url: `${this.base}/root` }), { retry: true });
      this.root = root;
      root.catch(() => {
        if (this.root === root) this.root = undefined;
      });
    }
    return this.root;
  }

  /** An Entry whose parent comes from the item itself: `''` for the root's children (by parent path, or by the root's id when Graph gives no path). */
  private async located(item: DriveItem): Promise<Entry> {
    if (item.root) return rootEntry(item);
    const ref = item.parentReference;
    if (ref?.id && ref.path === undefined) return entryOf(item, parentOf(item, (await this.rootItem()).id));
    return entryOf(item);
  }

  // --- paging ---

  private cursorOf(page: DriveItemPage): string | null {
    const link = page['@odata.nextLink'];
    return link ? encodeCursor({ next: link }) : null;
  }

  /** The service's nextLink from our cursor, checked to point at the API host (it is sent with the account's token). */
  private nextLink(cursor: string, pageSize: number): string {
    const { next } = decodeCursor(cursor);
    let url: URL;
    try {
      url = new URL(String(next));
    } catch {
      throw new InvalidParametersError('cursor is not a valid page cursor');
    }
    if (typeof next !== 'string' || url.origin !== new URL(this.base).origin) throw new InvalidParametersError('cursor is not a valid page cursor');
    url.searchParams.set('$top', String(pageSize));
    return url.toString();
  }

  // --- reading ---

  /** GET …/content answers 302 to a pre-authenticated URL; the Range goes to that URL (Graph ignores it on /content). */
  private async download(locator: Locator, range?: ByteRange): Promise<ApiResponse> {
    const res = await this.api.send('read', { method: 'GET', url: `${this.item(locator)}/content` });
    const location = res.status >= 300 && res.status < 400 ? header(res.headers, 'location') : undefined;
    if (!location) {
      if (res.status >= 300) throw new UpstreamError(res.status, 'OneDrive redirected the download nowhere.');
      return res; // the content itself (Range not applied: sliced below)
    }
    res.body.resume();
    const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end ?? ''}` } : {};
    const url = new URL(location, `${this.item(locator)}/content`).toString();
    return this.api.send('read', { method: 'GET', url, anonymous: true, headers });
  }

  private readResult(res: ApiResponse, range?: ByteRange): ReadResult {
    const mimeType = header(res.headers, 'content-type')?.split(';')[0] || undefined;
    const out = new PassThrough();
    forwardErrors(res.body, out, (err) => this.upstream.map(err, 'read'));
    if (res.status === 206) {
      const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header(res.headers, 'content-range') ?? '');
      if (!match) {
        res.body.destroy();
        throw new UpstreamError(206, 'OneDrive answered a range without Content-Range.');
      }
      res.body.pipe(out);
      return { stream: out, size: Number(match[3]), contentLength: Number(match[2]) - Number(match[1]) + 1, mimeType };
    }
    const size = Number(header(res.headers, 'content-length'));
    if (!Number.isFinite(size)) {
      res.body.destroy();
      throw new UpstreamError(res.status, 'OneDrive answered a download without Content-Length.');
    }
    if (!range) {
      res.body.pipe(out);
      return { stream: out, size, contentLength: size, mimeType };
    }
    // The service may ignore Range (200 with the whole file): skip to the range ourselves.
    let bounds: ReturnType<typeof resolveRange>;
    try {
      bounds = resolveRange(range, size);
    } catch (err) {
      res.body.destroy();
      throw err instanceof InvalidRangeError ? err : this.upstream.map(err, 'read');
    }
    res.body.pipe(new SliceStream(bounds.start, bounds.length)).pipe(out);
    return { stream: out, size, contentLength: bounds.length, mimeType };
  }

  // --- writing ---

  /** PUT …:/{name}:/content (≤ 4 MiB): the body is in memory, so a token refresh can send it again. */
  private async simpleUpload(folder: Locator, name: string, data: Buffer, mimeType?: string): Promise<Entry> {
    const item = await this.upstream.call('write', () =>
      this.api.json<DriveItem>('write', {
        method: 'PUT',
        url: `${this.child(folder, name)}/content`,
        query: REPLACE,
        headers: { 'content-type': mimeType ?? 'application/octet-stream' },
        body: data,
      }),
    );
    checkHash(item, new QuickXorHash().update(data));
    return entryOf(item, folder);
  }

  /**
   * An upload session: createUploadSession (replacing a file of that name),
   * then the fragments in order, each a multiple of 320 KiB, PUT to the
   * pre-authenticated uploadUrl without our token; the last one answers the
   * item. The session is deleted if anything fails.
   */
  private async sessionUpload(folder: Locator, name: string, source: AsyncIterable<Buffer>, total: number): Promise<Entry> {
    const session = await this.upstream.call('write', () =>
      this.api.json<{ uploadUrl?: string }>('write', { method: 'POST', url: `${this.child(folder, name)}/createUploadSession`, json: { item: { ...REPLACE } } }),
    );
    const uploadUrl = session.uploadUrl;
    if (!uploadUrl) throw new UpstreamError(undefined, 'OneDrive opened an upload session without an upload URL.');
    const hash = new QuickXorHash();
    let offset = 0;
    let item: DriveItem | undefined;
    try {
      for await (const chunk of chunksOf(source, this.config.uploadChunkSize)) {
        if (offset + chunk.length > total) throw new BadRequestError(`The body is longer than its declared size (${total} bytes).`);
        // A short chunk is the body's last: it must end the file.
        if (chunk.length < this.config.uploadChunkSize && offset + chunk.length < total) throw new BadRequestError(`The body has ${offset + chunk.length} bytes, not its declared size (${total}).`);
        hash.update(chunk);
        item = await this.sendFragment(uploadUrl, chunk, offset, total);
        offset += chunk.length;
      }
      if (offset !== total || !item) throw new BadRequestError(`The body has ${offset} bytes, not its declared size (${total}).`);
    } catch (err) {
      await this.api.send('write', { method: 'DELETE', url: uploadUrl, anonymous: true }).then((res) => res.body.resume(), () => undefined);
      throw this.upstream.map(err, 'write');
    }
    checkHash(item, hash);
    return entryOf(item, folder);
  }

  /**
   * One fragment, retried on 5xx and network errors. When a resend is refused
   * as overlapping (the first try landed but its answer was lost), the
   * session's nextExpectedRanges tells whether the fragment is in.
   */
  private async sendFragment(uploadUrl: string, chunk: Buffer, offset: number, total: number): Promise<DriveItem | undefined> {
    try {
      return await this.upstream.call('write', () => this.putFragment(uploadUrl, chunk, offset, total), { retry: true });
    } catch (err) {
      if (!(err instanceof FragmentOverlapError)) throw err;
      const status = await this.upstream.call('write', () => this.api.json<{ nextExpectedRanges?: string[] }>('write', { method: 'GET', url: uploadUrl, anonymous: true }), { retry: true });
      const next = Number(/^(\d+)-/.exec(status.nextExpectedRanges?.[0] ?? '')?.[1]);
      if (next === offset + chunk.length && next < total) return undefined;
      throw new UpstreamError(err.upstreamStatus, `The upload session went out of step (it expects byte ${next}); the upload can be retried.`);
    }
  }

  /** One fragment; resolves with the item once the last one is in (200/201), undefined before (202). */
  private async putFragment(uploadUrl: string, chunk: Buffer, offset: number, total: number): Promise<DriveItem | undefined> {
    const res = await this.api.send('write', {
      method: 'PUT',
      url: uploadUrl,
      anonymous: true,
      headers: { 'content-range': `bytes ${offset}-${offset + chunk.length - 1}/${total}` },
      body: chunk,
    });
    const text = await readText(res.body, Infinity);
    if (res.status === 202) return undefined;
    try {
      return JSON.parse(text) as DriveItem;
    } catch {
      throw new UpstreamError(res.status, 'OneDrive completed an upload with something that is not JSON.');
    }
  }

  // --- copying ---

  private async awaitCopy(monitor: string): Promise<string> {
    const deadline = Date.now() + this.config.copyTimeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
      // The monitor URL is pre-authenticated, like upload URLs.
      const job = await this.upstream.call('copy', () => this.api.json<AsyncJobStatus>('copy', { method: 'GET', url: monitor, anonymous: true }), { retry: true });
      if (job?.status === 'completed' && job.resourceId) return job.resourceId;
      if (job?.status === 'failed' || job?.status === 'cancelled' || job?.status === 'deleteFailed') {
        const code = job.error?.code ?? job.status;
        throw code === 'nameAlreadyExists' ? new ConflictError('An item of that name already exists.') : new UpstreamError(undefined, `OneDrive could not copy the item (${code}).`);
      }
      if (Date.now() + delay > deadline) throw new UpstreamError(undefined, 'OneDrive is still copying; the copy may appear later.');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** A name is one path segment: Graph's path addressing would read a '/' as a folder. */
function checkName(name: string): void {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new InvalidParametersError(`"${name}" is not a valid file or folder name.`);
}

/** The service's QuickXorHash of what it stored against the bytes we sent (when it reports one). */
function checkHash(item: DriveItem, sent: QuickXorHash): void {
  const reported = item.file?.hashes?.quickXorHash;
  if (reported && reported !== sent.digest()) {
    throw new UpstreamError(undefined, 'OneDrive stored different bytes than were sent (QuickXorHash mismatch); the upload can be retried.');
  }
}

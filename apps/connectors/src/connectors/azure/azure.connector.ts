import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  BlobServiceClient,
  StorageSharedKeyCredential,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { lookup } from 'mime-types';
import {
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  UpstreamError,
} from '@app/common';
import type { ByteRange, ChunkWriterOptions, Features, ListOptions, Page, PartSpec, RawRequest, RawResponse, ReadResult, UploadedPart } from '../connector';
import type { PathConnector, PathEntry, PathChunkWriter } from '../path-connector';
import { checkPart, partsInOrder } from '../parts';
import { checkPageSize, decodeCursor, encodeCursor, pageBy } from '../paging';
import { baseName, checkPath, isSameOrBelow, parentOf } from '../paths';
import { resolveRange } from '../range';
import { SliceStream } from '../streams';
import { upstreamFor } from '../upstream';
import { parseContentRange } from '../s3/s3.mapper';
import type { AzureConfig } from './azure.config';
import { azureRaw } from './azure.raw';
import { fileEntry, folderEntry, toAppError } from './azure.mapper';
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type PipelineRequest } from '@azure/core-rest-pipeline';
import { toHttpHeadersLike } from '@azure/core-http-compat';
import type { HttpOperationResponse, IHttpClient, WebResource } from '@azure/storage-blob';
import { ForbiddenError, guardedAgents } from '@app/common';
import { PREFIXED_RAW_REFUSED } from '../raw/raw-scope';
import type { ConnectorDeps } from '../registry';

const MiB = 1024 * 1024;
/** Folder markers: an empty blob '<folder>/' flagged like ADLS/rclone do. */
const FOLDER_METADATA = { hdi_isfolder: 'true' };

/** Azure Blob Storage (block blobs). Folders are name prefixes plus marker blobs, as for S3. */
export class AzureConnector implements PathConnector {
  static readonly features: Features = {
    addressing: 'path',
    bucketBased: true,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: ['md5'],
    minPartSize: 1,
    maxPartSize: 4000 * MiB,
    maxParts: 50000,
    rawPassthrough: true,
  };
  readonly features = AzureConnector.features;
  private readonly container: ContainerClient;
  private readonly prefix: string;
  private readonly upstream = upstreamFor('azure', toAppError);
  private readonly agents: ReturnType<typeof guardedAgents>;

  constructor(config: AzureConfig, deps: ConnectorDeps) {
    // Retries are ours (UpstreamError only; never on throttling). Every connection follows the
    // outbound address policy: the endpoint is user-given.
    this.agents = guardedAgents(deps.outbound);
    const options: StoragePipelineOptions = { retryOptions: { maxTries: 1 }, httpClient: guardedHttpClient(this.agents) };
    const service =
      'connectionString' in config
        ? BlobServiceClient.fromConnectionString(config.connectionString, options)
        : new BlobServiceClient(
            config.endpoint ?? `https://${config.accountName}.blob.core.windows.net`,
            new StorageSharedKeyCredential(config.accountName, config.accountKey),
            options,
          );
    this.container = service.getContainerClient(config.container);
    this.prefix = config.prefix ?? '';
  }

  /** A request of the client's own on the account's container (POST /v1/accounts/{id}/raw), signed with its key. */
  async raw(request: RawRequest): Promise<RawResponse> {
    // A raw request addresses the whole container: an account rooted at a prefix of it would reach beyond its root.
    if (this.prefix) throw new ForbiddenError(PREFIXED_RAW_REFUSED);
    return this.upstream.call('raw', () => azureRaw({ containerUrl: this.container.url, credential: this.container.credential }, this.agents, request));
  }

  private name(path: string): string {
    return this.prefix + checkPath(path);
  }

  private folderName(path: string): string {
    return path === '' ? this.prefix : `${this.name(path)}/`;
  }

  private pathOf(name: string): string {
    return name.slice(this.prefix.length).replace(/\/$/, '');
  }

  private blob(path: string) {
    return this.container.getBlockBlobClient(this.name(path));
  }

  async validateCredentials(): Promise<void> {
    await this.upstream.call(
      'validate',
      () => this.container.listBlobsFlat({ prefix: this.prefix }).byPage({ maxPageSize: 1 }).next(),
      { retry: true },
    );
  }

  private async props(path: string) {
    try {
      return await this.blob(path).getProperties();
    } catch (err) {
      const mapped = this.upstream.map(err, 'stat');
      if (mapped instanceof NotFoundError) return undefined;
      throw mapped;
    }
  }

  private async folderExists(path: string): Promise<boolean> {
    if (path === '') return true;
    const page = await this.upstream.call(
      'stat',
      () => this.container.listBlobsFlat({ prefix: this.folderName(path) }).byPage({ maxPageSize: 1 }).next(),
      { retry: true },
    );
    return !page.done && page.value.segment.blobItems.length > 0;
  }

  private async requireFolder(path: string): Promise<void> {
    if (!(await this.folderExists(path))) throw new NotFoundError(`Folder not found: ${path}`);
  }

  private async exists(path: string): Promise<boolean> {
    return (await this.props(path)) !== undefined || (await this.folderExists(path));
  }

  async list(folder: string, options: ListOptions): Promise<Page<PathEntry>> {
    checkPath(folder);
    const pageSize = Math.min(checkPageSize(options), 5000);
    const prefix = this.folderName(folder);
    const token = options.cursor ? (decodeCursor(options.cursor).token as string | undefined) : undefined;
    if (options.cursor && typeof token !== 'string') throw new InvalidParametersError('cursor is not a valid page cursor');
    const result = await this.upstream.call(
      'list',
      () => this.container.listBlobsByHierarchy('/', { prefix }).byPage({ maxPageSize: pageSize, continuationToken: token }).next(),
      { retry: true },
    );
    const segment = result.done ? undefined : result.value;
    const prefixes = segment?.segment.blobPrefixes ?? [];
    const blobs = segment?.segment.blobItems ?? [];
    if (!token && folder !== '' && prefixes.length === 0 && blobs.length === 0) throw new NotFoundError(`Folder not found: ${folder}`);
    const items = [
      ...prefixes.map((p) => folderEntry(this.pathOf(p.name))),
      ...blobs.filter((b) => b.name !== prefix).map((b) => fileEntry(this.pathOf(b.name), b.properties)),
    ];
    const next = segment?.continuationToken ? encodeCursor({ token: segment.continuationToken }) : null;
    return { items, next };
  }

  async stat(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') return folderEntry('');
    const props = await this.props(path);
    if (props) return fileEntry(path, props);
    if (await this.folderExists(path)) return folderEntry(path);
    throw new NotFoundError(`Not found: ${path}`);
  }

  async read(path: string, range?: ByteRange): Promise<ReadResult> {
    checkPath(path);
    if (range) resolveRange(range, Number.MAX_SAFE_INTEGER); // argument checks; the service answers 416 past the end
    const offset = range?.start ?? 0;
    const count = range?.end !== undefined ? range.end - range.start + 1 : undefined;
    const out = await this.upstream.call('read', () => this.blob(path).download(offset, count));
    const length = out.contentLength ?? 0;
    const mimeType = fileEntry(path, out).mimeType;
    const body = out.readableStreamBody as Readable;
    body.on('error', () => undefined);
    if (!range) return { stream: body, size: length, contentLength: length, mimeType };
    const got = parseContentRange(out.contentRange);
    if (got && range.start >= got.total) {
      body.destroy();
      throw new InvalidRangeError(`The range starts at byte ${range.start} but the file has ${got.total} bytes.`);
    }
    if (got && got.start === range.start) return { stream: body, size: got.total, contentLength: length, mimeType };
    // No (or another) range came back, e.g. Azurite for a start past the end: check and cut here.
    const total = got?.total ?? length;
    let bounds;
    try {
      if (got && got.start !== 0) throw new UpstreamError(undefined, 'The storage service answered a different byte range.');
      bounds = resolveRange(range, total);
    } catch (err) {
      body.destroy();
      throw err;
    }
    const stream = body.pipe(new SliceStream(bounds.start, bounds.length));
    body.on('error', (err) => stream.destroy(this.upstream.map(err, 'read')));
    return { stream, size: total, contentLength: bounds.length, mimeType };
  }

  private async prepareWrite(path: string): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConflictError('Cannot write to the root folder.');
    await this.requireFolder(parentOf(path));
    if (await this.folderExists(path)) throw new ConflictError(`A folder exists at ${path}.`);
  }

  private contentType(path: string): string {
    return lookup(baseName(path)) || 'application/octet-stream';
  }

  async write(path: string, body: Readable, options?: { mimeType?: string }): Promise<PathEntry> {
    await this.prepareWrite(path);
    // Blocks of 4 MiB, 2 in flight: bounded memory, any size.
    await this.upstream.call('write', () =>
      this.blob(path).uploadStream(body, 4 * MiB, 2, {
        blobHTTPHeaders: { blobContentType: options?.mimeType ?? this.contentType(path) },
      }),
    );
    return this.stat(path);
  }

  async mkdir(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') throw new ConflictError('The root folder already exists.');
    await this.requireFolder(parentOf(path));
    if (await this.exists(path)) throw new ConflictError(`An item already exists at ${path}.`);
    await this.upstream.call('mkdir', () =>
      this.container.getBlockBlobClient(this.folderName(path)).upload('', 0, { metadata: FOLDER_METADATA }),
    );
    return folderEntry(path);
  }

  private async namesBelow(path: string): Promise<string[]> {
    const names: string[] = [];
    await this.upstream.call(
      'list',
      async () => {
        for await (const b of this.container.listBlobsFlat({ prefix: this.folderName(path) })) names.push(b.name);
      },
      { retry: true },
    );
    return names;
  }

  /** Runs `fn` over `items`, four at a time. */
  private async each<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
    const queue = [...items];
    const worker = async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  private deleteNames(names: string[]): Promise<void> {
    return this.each(names, (name) =>
      this.upstream.call('remove', () => this.container.getBlobClient(name).deleteIfExists()),
    );
  }

  async remove(path: string, options: { recursive: boolean }): Promise<void> {
    checkPath(path);
    if (path === '') throw new PermissionDeniedError('The root folder cannot be deleted.');
    if (await this.props(path)) {
      await this.upstream.call('remove', () => this.blob(path).delete());
      return;
    }
    const marker = this.folderName(path);
    const names = await this.namesBelow(path);
    if (names.length === 0) throw new NotFoundError(`Not found: ${path}`);
    if (!options.recursive && names.some((n) => n !== marker)) throw new FolderNotEmptyError();
    await this.deleteNames(names);
  }

  private async copyBlob(fromName: string, toName: string): Promise<void> {
    const source = this.container.getBlobClient(fromName).url;
    await this.upstream.call('copy', async () => {
      const poller = await this.container.getBlobClient(toName).beginCopyFromURL(source, { intervalInMs: 200 });
      await poller.pollUntilDone();
    });
  }

  private async copyTree(from: string, to: string, op: 'copy' | 'move'): Promise<{ names: string[]; entry: () => Promise<PathEntry> }> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new InvalidParametersError(`Cannot ${op} the root folder.`);
    const props = await this.props(from);
    const isFolder = !props && (await this.folderExists(from));
    if (!props && !isFolder) throw new NotFoundError(`Not found: ${from}`);
    if (isFolder && isSameOrBelow(to, from)) throw new InvalidParametersError(`Cannot ${op} a folder into itself.`);
    await this.requireFolder(parentOf(to));
    if (await this.exists(to)) throw new ConflictError(`An item already exists at ${to}.`);
    if (props) {
      await this.copyBlob(this.name(from), this.name(to));
      return { names: [this.name(from)], entry: () => this.stat(to) };
    }
    const fromPrefix = this.folderName(from);
    const toPrefix = this.folderName(to);
    const names = await this.namesBelow(from);
    if (!names.includes(fromPrefix)) {
      await this.upstream.call(op, () => this.container.getBlockBlobClient(toPrefix).upload('', 0, { metadata: FOLDER_METADATA }));
    }
    await this.each(names, (name) => this.copyBlob(name, toPrefix + name.slice(fromPrefix.length)));
    return { names, entry: async () => folderEntry(to) };
  }

  async copy(from: string, to: string): Promise<PathEntry> {
    const { entry } = await this.copyTree(from, to, 'copy');
    return entry();
  }

  async move(from: string, to: string): Promise<PathEntry> {
    const { names, entry } = await this.copyTree(from, to, 'move');
    await this.deleteNames(names);
    return entry();
  }

  async search(folder: string, query: string, options: ListOptions): Promise<Page<PathEntry>> {
    checkPath(folder);
    await this.requireFolder(folder);
    const needle = query.toLowerCase();
    const marker = this.folderName(folder);
    const found: PathEntry[] = [];
    await this.upstream.call('search', async () => {
      for await (const b of this.container.listBlobsFlat({ prefix: marker })) {
        if (b.name === marker) continue;
        const path = this.pathOf(b.name);
        if (!baseName(path).toLowerCase().includes(needle)) continue;
        found.push(b.name.endsWith('/') ? folderEntry(path, b.properties) : fileEntry(path, b.properties));
      }
    });
    return pageBy(found, (e) => e.path, options);
  }

  /**
   * Blocks staged with ids '<upload>-<part number>', committed in part order by
   * complete(). The state is the upload prefix: staged blocks stay with the blob
   * (uncommitted, for a week), so a writer reopened with it commits them too.
   */
  async openChunkWriter(path: string, options: ChunkWriterOptions): Promise<PathChunkWriter> {
    const { size } = options;
    const f = this.features;
    if (!Number.isInteger(size) || size < 0) throw new InvalidParametersError('size must be a non-negative integer');
    const resumed = options.resume?.upload;
    const upload = typeof resumed === 'string' && /^[0-9a-f]{16}$/.test(resumed) ? resumed : randomUUID().replace(/-/g, '').slice(0, 16);
    if (!resumed) await this.prepareWrite(path);
    const blockId = (n: number) => Buffer.from(`${upload}-${String(n).padStart(6, '0')}`).toString('base64');
    const blob = this.blob(path);
    const { upstream } = this;
    return {
      state: { upload },
      async writePart(part: PartSpec, body: Readable) {
        checkPart(part, size, f);
        await upstream.call('upload', () => blob.stageBlock(blockId(part.number), () => body, part.size));
        return {};
      },
      complete: async (parts: UploadedPart[]) => {
        const ids = partsInOrder(parts, size).map((p) => blockId(p.number));
        await upstream.call('upload', () => blob.commitBlockList(ids, { blobHTTPHeaders: { blobContentType: this.contentType(path) } }));
        return this.stat(path);
      },
      async abort() {
        // Uncommitted blocks are discarded by the service (after a week); nothing is visible.
      },
    };
  }
}

/**
 * The SDK's own HTTP client, with every request sent through agents that
 * follow the outbound address policy (the storage SDK takes a client of its
 * older interface, so the request is carried over field by field).
 */
function guardedHttpClient({ httpAgent, httpsAgent }: ReturnType<typeof guardedAgents>): IHttpClient {
  const inner = createDefaultHttpClient();
  return {
    sendRequest: async (req: WebResource) => {
      const request = createPipelineRequest({
        url: req.url,
        method: req.method,
        headers: createHttpHeaders(req.headers.rawHeaders()),
        body: req.body as PipelineRequest['body'],
        timeout: req.timeout,
        abortSignal: req.abortSignal,
        streamResponseStatusCodes: req.streamResponseStatusCodes,
        onUploadProgress: req.onUploadProgress,
        onDownloadProgress: req.onDownloadProgress,
        requestId: req.requestId,
        // http endpoints (Azurite, private gateways) were always allowed by config; the policy judges the address
        allowInsecureConnection: req.url.startsWith('http:'),
      });
      request.agent = req.url.startsWith('https:') ? httpsAgent : httpAgent; // not taken by createPipelineRequest's options
      const response = await inner.sendRequest(request);
      return {
        request: req,
        status: response.status,
        headers: toHttpHeadersLike(response.headers),
        bodyAsText: response.bodyAsText,
        readableStreamBody: response.readableStreamBody,
        blobBody: response.blobBody,
      } as HttpOperationResponse;
    },
  };
}

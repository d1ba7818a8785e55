import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { lookup } from 'mime-types';
import {
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
  UpstreamError,
} from '@app/common';
import type { ByteRange, ChunkWriterOptions, Features, RawRequest, RawResponse, ListOptions, Page, PartSpec, PresignOptions, ReadResult, UploadedPart } from '../connector';
import type { PathConnector, PathEntry, PathChunkWriter } from '../path-connector';
import { checkPart, partsInOrder } from '../parts';
import { checkPageSize, decodeCursor, encodeCursor } from '../paging';
import { baseName, checkPath, isSameOrBelow, parentOf } from '../paths';
import { resolveRange } from '../range';
import { CountingStream, SliceStream } from '../streams';
import { upstreamFor } from '../upstream';
import type { S3Config } from './s3.config';
import { s3Raw } from './s3.raw';
import { fileEntry, folderEntry, parseContentRange, toAppError } from './s3.mapper';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ForbiddenError, guardedAgents } from '@app/common';
import { PREFIXED_RAW_REFUSED } from '../raw/raw-scope';
import type { ConnectorDeps } from '../registry';

const MiB = 1024 * 1024;

/**
 * S3 and S3-compatible object stores. Folders are key prefixes; a folder made
 * by mkdir is a zero-byte marker object '<prefix>/' so that it survives empty.
 */
export class S3Connector implements PathConnector {
  static readonly features: Features = {
    addressing: 'path',
    bucketBased: true,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: ['md5'],
    minPartSize: 5 * MiB,
    maxPartSize: 5 * 1024 * MiB,
    maxParts: 10000,
    rawPassthrough: true,
  };
  readonly features = S3Connector.features;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly upstream = upstreamFor('s3', toAppError);
  private readonly multipartCopyAbove: number;
  private readonly multipartCopyPartSize: number;
  private readonly agents: ReturnType<typeof guardedAgents>;

  constructor(private readonly config: S3Config, deps: ConnectorDeps) {
    this.agents = guardedAgents(deps.outbound);
    this.bucket = config.bucket;
    this.multipartCopyAbove = config.multipartCopyAbove ?? 5 * 1024 * MiB;
    this.multipartCopyPartSize = config.multipartCopyPartSize ?? 512 * MiB;
    this.prefix = config.prefix ?? '';
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Retries are ours (UpstreamError only; never on throttling).
      maxAttempts: 1,
      // Many S3-compatible servers reject the SDK's default CRC32 trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Every connection follows the outbound address policy (a user-given endpoint may name an internal host).
      requestHandler: new NodeHttpHandler(this.agents),
    });
  }

  private key(path: string): string {
    return this.prefix + checkPath(path);
  }

  private folderKey(path: string): string {
    return path === '' ? this.prefix : `${this.key(path)}/`;
  }

  /** Path (relative to the root) of a key below the prefix. */
  private pathOf(key: string): string {
    return key.slice(this.prefix.length).replace(/\/$/, '');
  }

  /** A SigV4 query-signed URL (no request is made); the Content-Type of a PUT is part of the signature. */
  async presign(path: string, options: PresignOptions): Promise<string> {
    const command = options.method === 'PUT'
      ? new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), ContentType: options.contentType })
      : new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInS });
  }

  /** A request of the client's own on the account's bucket (POST /v1/accounts/{id}/raw), signed with its keys. */
  async raw(request: RawRequest): Promise<RawResponse> {
    // A raw request addresses the whole bucket: an account rooted at a prefix of it would reach beyond its root.
    if (this.prefix) throw new ForbiddenError(PREFIXED_RAW_REFUSED);
    return this.upstream.call('raw', () => s3Raw(this.config, this.agents, request));
  }

  /** One-key listing of the root prefix (HeadBucket carries no error code, so a bad key would read as 403). */
  async validateCredentials(): Promise<void> {
    await this.upstream.call(
      'validate',
      () => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 })),
      { retry: true },
    );
  }

  private async head(path: string) {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
    } catch (err) {
      const mapped = this.upstream.map(err, 'stat');
      if (mapped instanceof NotFoundError) return undefined;
      throw mapped;
    }
  }

  private async folderExists(path: string): Promise<boolean> {
    if (path === '') return true;
    const out = await this.upstream.call(
      'stat',
      () => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.folderKey(path), MaxKeys: 1 })),
      { retry: true },
    );
    return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
  }

  private async requireFolder(path: string): Promise<void> {
    if (!(await this.folderExists(path))) throw new NotFoundError(`Folder not found: ${path}`);
  }

  private async exists(path: string): Promise<boolean> {
    return (await this.head(path)) !== undefined || (await this.folderExists(path));
  }

  /**
   * One page of a folder. The cursor is the last key returned (StartAfter), not
   * the service's continuation token, so the page size is ours to enforce even
   * on S3-compatible servers that return more than MaxKeys.
   */
  async list(folder: string, options: ListOptions): Promise<Page<PathEntry>> {
    checkPath(folder);
    const pageSize = Math.min(checkPageSize(options), 1000);
    const prefix = this.folderKey(folder);
    const after = options.cursor ? decodeCursor(options.cursor).after : undefined;
    if (options.cursor && typeof after !== 'string') throw new InvalidParametersError('cursor is not a valid page cursor');
    const out: ListObjectsV2CommandOutput = await this.upstream.call(
      'list',
      () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: '/',
            // +1: the folder's own marker may come back and is not an entry.
            MaxKeys: pageSize + 1,
            StartAfter: (after as string | undefined) ?? undefined,
          }),
        ),
      { retry: true },
    );
    if (!after && folder !== '' && !out.Contents?.length && !out.CommonPrefixes?.length) {
      throw new NotFoundError(`Folder not found: ${folder}`);
    }
    const found: { key: string; entry: PathEntry }[] = [
      // Past every key below the prefix, so the next page does not repeat it.
      ...(out.CommonPrefixes ?? []).map((p) => ({ key: `${p.Prefix!}\u{10FFFF}`, entry: folderEntry(this.pathOf(p.Prefix!)) })),
      ...(out.Contents ?? []).filter((o) => o.Key !== prefix).map((o) => ({ key: o.Key!, entry: fileEntry(this.pathOf(o.Key!), o) })),
    ].sort((a, b) => (Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))));
    const page = found.slice(0, pageSize);
    const more = found.length > pageSize || Boolean(out.IsTruncated);
    const next = more && page.length > 0 ? encodeCursor({ after: page[page.length - 1].key }) : null;
    return { items: page.map((f) => f.entry), next };
  }

  async stat(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') return folderEntry('');
    const head = await this.head(path);
    if (head) return fileEntry(path, head);
    if (await this.folderExists(path)) return folderEntry(path);
    throw new NotFoundError(`Not found: ${path}`);
  }

  async read(path: string, range?: ByteRange): Promise<ReadResult> {
    checkPath(path);
    if (range) resolveRange(range, Number.MAX_SAFE_INTEGER); // argument checks only; the service clamps
    const header = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    const out = await this.upstream.call('read', () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path), Range: header })),
    );
    const length = out.ContentLength ?? 0;
    const mimeType = fileEntry(path, out).mimeType;
    const body = out.Body as Readable;
    if (!range) return { stream: body, size: length, contentLength: length, mimeType };
    const got = parseContentRange(out.ContentRange);
    const wantEnd = range.end ?? Number.MAX_SAFE_INTEGER;
    if (got && got.start === range.start && got.end <= wantEnd) {
      return { stream: body, size: got.total, contentLength: length, mimeType };
    }
    // Some S3-compatible servers ignore parts of a Range header and send the whole object: cut it here.
    if (got && got.start !== 0) {
      body.destroy();
      throw new UpstreamError(undefined, 'The storage service answered a different byte range.');
    }
    const total = got?.total ?? length;
    let bounds;
    try {
      bounds = resolveRange(range, total);
    } catch (err) {
      body.destroy();
      throw err;
    }
    const stream = body.pipe(new SliceStream(bounds.start, bounds.length));
    body.on('error', (err) => stream.destroy(this.upstream.map(err, 'read')));
    return { stream, size: total, contentLength: bounds.length, mimeType };
  }

  /** A file may be written at `path`: its parent is a folder and no folder is there. */
  private async prepareWrite(path: string): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConflictError('Cannot write to the root folder.');
    await this.requireFolder(parentOf(path));
    if (await this.folderExists(path)) throw new ConflictError(`A folder exists at ${path}.`);
  }

  async write(path: string, body: Readable, options?: { size?: number; mimeType?: string }): Promise<PathEntry> {
    await this.prepareWrite(path);
    const contentType = options?.mimeType ?? (lookup(baseName(path)) || 'application/octet-stream');
    // Counted on the way, so the entry comes from what was sent and S3's answer, not from one more HEAD.
    const counted = new CountingStream();
    body.on('error', (err) => counted.destroy(err));
    body.pipe(counted);
    const etag = await this.upstream.call('write', async () => {
      if (options?.size !== undefined && options.size <= this.features.minPartSize!) {
        const out = await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), Body: counted, ContentLength: options.size, ContentType: contentType }),
        );
        return out.ETag;
      }
      // Streams in parts of 5 MiB, at most 2 in flight: bounded memory, any size.
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: this.key(path), Body: counted, ContentType: contentType },
        partSize: this.features.minPartSize,
        queueSize: 2,
      });
      return (await upload.done()).ETag;
    });
    return fileEntry(path, { Size: counted.bytes, LastModified: new Date(), ETag: etag, ContentType: contentType });
  }

  async mkdir(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') throw new ConflictError('The root folder already exists.');
    await this.requireFolder(parentOf(path));
    if (await this.exists(path)) throw new ConflictError(`An item already exists at ${path}.`);
    await this.upstream.call('mkdir', () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.folderKey(path), Body: '', ContentLength: 0 })),
    );
    return folderEntry(path);
  }

  /** Every key at or below a folder (marker included). */
  private async *keysBelow(path: string): AsyncGenerator<{ Key: string; Size?: number }> {
    let token: string | undefined;
    do {
      const out: ListObjectsV2CommandOutput = await this.upstream.call(
        'list',
        () => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.folderKey(path), ContinuationToken: token })),
        { retry: true },
      );
      for (const o of out.Contents ?? []) yield { Key: o.Key!, Size: o.Size };
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.upstream.call('remove', () =>
        this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        ),
      );
      if (out.Errors?.length) throw toAppError({ Code: out.Errors[0].Code, $metadata: { httpStatusCode: 500 } });
    }
  }

  async remove(path: string, options: { recursive: boolean }): Promise<void> {
    checkPath(path);
    if (path === '') throw new PermissionDeniedError('The root folder cannot be deleted.');
    if (await this.head(path)) {
      await this.upstream.call('remove', () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) })));
      return;
    }
    const marker = this.folderKey(path);
    const keys: string[] = [];
    for await (const o of this.keysBelow(path)) {
      if (!options.recursive && o.Key !== marker) throw new FolderNotEmptyError();
      keys.push(o.Key);
    }
    if (keys.length === 0) throw new NotFoundError(`Not found: ${path}`);
    await this.deleteKeys(keys);
  }

  /** Server-side copy of one object: CopyObject, or UploadPartCopy parts above `multipartCopyAbove` (CopyObject's limit is 5 GiB). */
  private async copyObject(fromKey: string, toKey: string, size?: number): Promise<void> {
    const source = `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`;
    if (size !== undefined && size > this.multipartCopyAbove) {
      await this.copyInParts(source, toKey, size);
      return;
    }
    await this.upstream.call('copy', () =>
      this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: source })),
    );
  }

  /** A multipart upload whose parts are ranges of the source, four at a time; aborted if a part fails, so nothing half-copied appears. */
  private async copyInParts(source: string, toKey: string, size: number): Promise<void> {
    const partSize = Math.max(this.multipartCopyPartSize, Math.ceil(size / this.features.maxParts!));
    const { UploadId } = await this.upstream.call('copy', () => this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: toKey })));
    try {
      const numbers = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i + 1);
      const parts: { PartNumber: number; ETag: string }[] = [];
      const worker = async () => {
        for (let n = numbers.shift(); n !== undefined; n = numbers.shift()) {
          const first = (n - 1) * partSize;
          const last = Math.min(size, first + partSize) - 1;
          const out = await this.upstream.call('copy', () => this.client.send(new UploadPartCopyCommand({
            Bucket: this.bucket, Key: toKey, UploadId, PartNumber: n, CopySource: source, CopySourceRange: `bytes=${first}-${last}`,
          })), { retry: true });
          parts.push({ PartNumber: n, ETag: out.CopyPartResult!.ETag! });
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      await this.upstream.call('copy', () => this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: toKey, UploadId, MultipartUpload: { Parts: parts } })));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: toKey, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  /** Copies a file or a folder tree key by key; returns the source keys. */
  private async copyTree(from: string, to: string, op: 'copy' | 'move'): Promise<{ keys: string[]; entry: () => Promise<PathEntry> }> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new InvalidParametersError('Cannot move or copy the root folder.');
    const head = await this.head(from);
    const isFolder = !head && (await this.folderExists(from));
    if (!head && !isFolder) throw new NotFoundError(`Not found: ${from}`);
    if (isFolder && isSameOrBelow(to, from)) throw new InvalidParametersError(`Cannot ${op} a folder into itself.`);
    await this.requireFolder(parentOf(to));
    if (await this.exists(to)) throw new ConflictError(`An item already exists at ${to}.`);
    if (head) {
      await this.copyObject(this.key(from), this.key(to), head.ContentLength);
      return { keys: [this.key(from)], entry: () => this.stat(to) };
    }
    const fromPrefix = this.folderKey(from);
    const toPrefix = this.folderKey(to);
    const objects: { Key: string; Size?: number }[] = [];
    for await (const o of this.keysBelow(from)) objects.push(o);
    const keys = objects.map((o) => o.Key);
    if (!keys.includes(fromPrefix)) {
      await this.upstream.call(op, () =>
        this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: toPrefix, Body: '', ContentLength: 0 })),
      );
    }
    // A few copies in flight at a time.
    const queue = [...objects];
    const worker = async () => {
      for (let o = queue.shift(); o !== undefined; o = queue.shift()) {
        await this.copyObject(o.Key, toPrefix + o.Key.slice(fromPrefix.length), o.Size);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return { keys, entry: async () => folderEntry(to) };
  }

  async copy(from: string, to: string): Promise<PathEntry> {
    const { entry } = await this.copyTree(from, to, 'copy');
    return entry();
  }

  async move(from: string, to: string): Promise<PathEntry> {
    const { keys, entry } = await this.copyTree(from, to, 'move');
    await this.deleteKeys(keys);
    return entry();
  }

  async search(folder: string, query: string, options: ListOptions): Promise<Page<PathEntry>> {
    checkPath(folder);
    const pageSize = checkPageSize(options);
    await this.requireFolder(folder);
    const needle = query.toLowerCase();
    let startAfter = options.cursor ? decodeCursor(options.cursor).after : undefined;
    if (options.cursor && typeof startAfter !== 'string') throw new InvalidParametersError('cursor is not a valid page cursor');
    const prefix = this.folderKey(folder);
    const items: PathEntry[] = [];
    for (;;) {
      const out: ListObjectsV2CommandOutput = await this.upstream.call(
        'search',
        () => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, StartAfter: startAfter as string | undefined })),
        { retry: true },
      );
      for (const o of out.Contents ?? []) {
        startAfter = o.Key!;
        if (o.Key === prefix) continue;
        const path = this.pathOf(o.Key!);
        if (!baseName(path).toLowerCase().includes(needle)) continue;
        items.push(o.Key!.endsWith('/') ? folderEntry(path, o) : fileEntry(path, o));
        if (items.length === pageSize) return { items, next: out.IsTruncated || o !== out.Contents!.at(-1) ? encodeCursor({ after: o.Key }) : null };
      }
      if (!out.IsTruncated) return { items, next: null };
    }
  }

  /** S3 multipart: the state is the UploadId, so a writer reopened with it continues the same upload. */
  async openChunkWriter(path: string, options: ChunkWriterOptions): Promise<PathChunkWriter> {
    const { size } = options;
    const f = this.features;
    if (!Number.isInteger(size) || size < 0) throw new InvalidParametersError('size must be a non-negative integer');
    const Key = this.key(path);
    // A resumed upload is not checked here (a call per part): a gone UploadId fails the part or the commit as NoSuchUpload → 404.
    let UploadId = typeof options.resume?.uploadId === 'string' ? options.resume.uploadId : undefined;
    if (!UploadId) {
      await this.prepareWrite(path);
      const created = await this.upstream.call('upload', () =>
        this.client.send(
          new CreateMultipartUploadCommand({ Bucket: this.bucket, Key, ContentType: lookup(baseName(path)) || 'application/octet-stream' }),
        ),
      );
      UploadId = created.UploadId!;
    }
    const uploadId = UploadId;
    const { client, bucket, upstream } = this;
    return {
      state: { uploadId },
      async writePart(part: PartSpec, body: Readable) {
        checkPart(part, size, f);
        const out = await upstream.call('upload', () =>
          client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: uploadId, PartNumber: part.number, Body: body, ContentLength: part.size })),
        );
        // A part's ETag is the MD5 of its bytes (except with SSE-KMS/SSE-C, where it is opaque and not 32 hex digits).
        const md5 = /^"?([0-9a-f]{32})"?$/i.exec(out.ETag ?? '')?.[1]?.toLowerCase();
        return { etag: out.ETag!, ...(md5 ? { md5 } : {}) };
      },
      complete: async (parts: UploadedPart[]) => {
        const Parts = partsInOrder(parts, size).map((p) => {
          if (!p.receipt.etag) throw new InvalidParametersError(`Part ${p.number} was never uploaded.`);
          return { PartNumber: p.number, ETag: p.receipt.etag };
        });
        await upstream.call('upload', () =>
          client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId: uploadId, MultipartUpload: { Parts } })),
        );
        return this.stat(path);
      },
      async abort() {
        await upstream.call('upload', () => client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId: uploadId })));
      },
    };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

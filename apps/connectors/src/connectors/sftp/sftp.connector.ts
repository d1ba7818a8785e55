import { createHash, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import {
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
} from '@app/common';
import type { ByteRange, ChunkWriterOptions, Features, ListOptions, Page, PartSpec, ReadResult, UploadedPart } from '../connector';
import type { PathConnector, PathEntry, PathChunkWriter } from '../path-connector';
import { checkPart, partsInOrder } from '../parts';
import { pageBy, pageByName } from '../paging';
import { checkPath, isSameOrBelow, joinPath, parentOf } from '../paths';
import { resolveRange } from '../range';
import { upstreamFor } from '../upstream';
import { pipelinedRead, pipelinedWrite } from './pipelined-streams';
import type { SftpConfig } from './sftp.config';
import { toAppError, toEntry, type SftpInfo } from './sftp.mapper';
import type { ConnectorDeps } from '../registry';

const TEMP_PREFIX = '.kl-upload-';

/** SFTP (OpenSSH and others) over one SSH connection, opened on first use. */
export class SftpConnector implements PathConnector {
  static readonly features: Features = {
    addressing: 'path',
    bucketBased: false,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: [],
    minPartSize: 1,
    maxPartSize: 5 * 1024 ** 3,
    maxParts: 10000,
    rawPassthrough: false,
  };
  readonly features = SftpConnector.features;
  private readonly upstream = upstreamFor('sftp', toAppError);
  private connecting?: Promise<SftpClient>;

  constructor(private readonly config: SftpConfig, private readonly deps: ConnectorDeps) {}

  private client(): Promise<SftpClient> {
    if (this.connecting) return this.connecting;
    const { host, port, username, password, privateKey, passphrase, hostKeySha256 } = this.config;
    // Forget this connection when it drops (only if it is still the current one).
    const reset = () => {
      if (this.connecting === promise) this.connecting = undefined;
    };
    // Own listeners: the library's defaults print to the console.
    const client = new SftpClient('connector', { error: reset, end: reset, close: reset });
    const promise = (async () => {
      try {
        // Connect to the address the policy checked, so the name cannot rebind in between.
        await client.connect({
          host: (await this.deps.outbound.resolve(host)).address,
          port,
          username,
          password,
          privateKey,
          passphrase,
          readyTimeout: 15_000,
          hostVerifier: hostKeySha256
            ? (key: Buffer) => createHash('sha256').update(key).digest('hex') === hostKeySha256
            : undefined,
        });
      } catch (err) {
        reset();
        throw err;
      }
      return client;
    })();
    this.connecting = promise;
    return promise;
  }

  /** Runs `fn` with a connected client; every failure is mapped. */
  private with<T>(op: string, fn: (c: SftpClient) => Promise<T>, retry = false): Promise<T> {
    return this.upstream.call(op, async () => fn(await this.client()), { retry });
  }

  private abs(path: string): string {
    checkPath(path);
    const root = this.config.root;
    if (path === '') return root === '' ? '.' : root;
    return root === '' ? path : posix.join(root, path);
  }

  async validateCredentials(): Promise<void> {
    const info = await this.with('validate', (c) => c.stat(this.abs('')));
    if (!info.isDirectory) throw new NotFoundError('The account folder does not exist.');
  }

  private async statOrNull(path: string): Promise<SftpInfo | null> {
    try {
      return await this.with('stat', (c) => c.stat(this.abs(path)), true);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  private async requireFolder(path: string): Promise<void> {
    const info = await this.statOrNull(path);
    if (!info?.isDirectory) throw new NotFoundError(`Folder not found: ${path}`);
  }

  private async listRaw(path: string): Promise<SftpInfo[] & { name: string }[]> {
    const items = await this.with('list', (c) => c.list(this.abs(path)), true);
    return items.filter((i) => !i.name.startsWith(TEMP_PREFIX)) as SftpInfo[] & { name: string }[];
  }

  async list(folder: string, options: ListOptions): Promise<Page<PathEntry>> {
    await this.requireFolder(folder);
    const items = (await this.listRaw(folder)) as unknown as (SftpInfo & { name: string })[];
    const page = pageByName(items, options);
    return { items: page.items.map((i) => toEntry(joinPath(folder, i.name), i)), next: page.next };
  }

  async stat(path: string): Promise<PathEntry> {
    const info = await this.statOrNull(path);
    if (!info) throw new NotFoundError(`Not found: ${path}`);
    return toEntry(path, info);
  }

  async read(path: string, range?: ByteRange): Promise<ReadResult> {
    const info = await this.statOrNull(path);
    if (!info || info.isDirectory) throw new NotFoundError(`File not found: ${path}`);
    const { start, end, length } = resolveRange(range, info.size);
    const sftp = await this.with('read', async (c) => wrapperOf(c));
    const readable = pipelinedRead(sftp, this.abs(path), start, length === 0 ? start : end + 1);
    return { stream: readable, size: info.size, contentLength: length, mimeType: toEntry(path, info).mimeType };
  }

  private async prepareWrite(path: string): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConflictError('Cannot write to the root folder.');
    await this.requireFolder(parentOf(path));
    if ((await this.statOrNull(path))?.isDirectory) throw new ConflictError(`A folder exists at ${path}.`);
  }

  private tempFor(path: string, uploadKey: string = randomUUID()): string {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(uploadKey)) throw new InvalidParametersError('uploadKey must be letters, digits and dashes');
    return joinPath(parentOf(path), `${TEMP_PREFIX}${uploadKey}`);
  }

  private async removeQuietly(path: string): Promise<void> {
    try {
      await this.with('remove', (c) => c.delete(this.abs(path), true));
    } catch {
      // best effort
    }
  }

  async write(path: string, body: Readable): Promise<PathEntry> {
    await this.prepareWrite(path);
    const temp = this.tempFor(path);
    try {
      await this.with('write', (c) => pipeline(body, pipelinedWrite(wrapperOf(c), this.abs(temp), 'w')));
      await this.with('write', (c) => c.posixRename(this.abs(temp), this.abs(path)));
    } catch (err) {
      await this.removeQuietly(temp);
      throw err;
    }
    return this.stat(path);
  }

  async mkdir(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') throw new ConflictError('The root folder already exists.');
    await this.requireFolder(parentOf(path));
    if (await this.statOrNull(path)) throw new ConflictError(`An item already exists at ${path}.`);
    await this.with('mkdir', (c) => c.mkdir(this.abs(path), false));
    return this.stat(path);
  }

  async move(from: string, to: string): Promise<PathEntry> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new InvalidParametersError('Cannot move the root folder.');
    const info = await this.statOrNull(from);
    if (!info) throw new NotFoundError(`Not found: ${from}`);
    if (info.isDirectory && isSameOrBelow(to, from)) throw new InvalidParametersError('Cannot move a folder into itself.');
    await this.requireFolder(parentOf(to));
    if (await this.statOrNull(to)) throw new ConflictError(`An item already exists at ${to}.`);
    await this.with('move', (c) => c.rename(this.abs(from), this.abs(to)));
    return this.stat(to);
  }

  async remove(path: string, options: { recursive: boolean }): Promise<void> {
    checkPath(path);
    if (path === '') throw new PermissionDeniedError('The root folder cannot be deleted.');
    const info = await this.statOrNull(path);
    if (!info) throw new NotFoundError(`Not found: ${path}`);
    if (!info.isDirectory) {
      await this.with('remove', (c) => c.delete(this.abs(path)));
      return;
    }
    if (!options.recursive) {
      const left = await this.with('remove', (c) => c.list(this.abs(path)));
      if (left.length > 0) throw new FolderNotEmptyError();
    }
    await this.with('remove', (c) => c.rmdir(this.abs(path), options.recursive));
  }

  async search(folder: string, query: string, options: ListOptions): Promise<Page<PathEntry>> {
    await this.requireFolder(folder);
    const needle = query.toLowerCase();
    const found: PathEntry[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const item of (await this.listRaw(dir)) as unknown as (SftpInfo & { name: string })[]) {
        const path = joinPath(dir, item.name);
        if (item.name.toLowerCase().includes(needle)) found.push(toEntry(path, item));
        if (item.type === 'd') await walk(path);
      }
    };
    await walk(folder);
    return pageBy(found, (e) => e.path, options);
  }

  /** Parts are written at their offsets into a hidden file named by the upload key, renamed into place by complete(). */
  async openChunkWriter(path: string, options: ChunkWriterOptions): Promise<PathChunkWriter> {
    const { size } = options;
    const key = typeof options.resume?.key === 'string' ? options.resume.key : (options.uploadKey ?? randomUUID());
    const temp = this.tempFor(path, key);
    if (options.resume) {
      if (!(await this.with('upload', (c) => c.exists(this.abs(temp))))) throw new NotFoundError('The upload to continue is gone.');
    } else {
      await this.prepareWrite(path);
      await this.with('upload', (c) => c.put(Buffer.alloc(0), this.abs(temp)));
    }
    return {
      state: { key },
      writePart: async (part: PartSpec, body: Readable) => {
        checkPart(part, size, this.features);
        await this.with('upload', (c) => pipeline(body, pipelinedWrite(wrapperOf(c), this.abs(temp), 'r+', part.offset)));
        return {};
      },
      complete: async (parts: UploadedPart[]) => {
        partsInOrder(parts, size);
        await this.prepareWrite(path);
        await this.with('upload', (c) => c.posixRename(this.abs(temp), this.abs(path)));
        return this.stat(path);
      },
      abort: () => this.removeQuietly(temp),
    };
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (!connecting) return;
    try {
      await (await connecting).end();
    } catch {
      // already closed
    }
  }

  async abortChunkUpload(path: string, uploadKey: string): Promise<void> {
    const temp = this.abs(this.tempFor(path, uploadKey));
    await this.with('upload', async (c) => {
      if (await c.exists(temp)) await c.delete(temp, true);
    });
  }
}

/** The ssh2 SFTP channel under ssh2-sftp-client (set once connected), for the pipelined streams. */
function wrapperOf(client: SftpClient): SFTPWrapper {
  const sftp = (client as unknown as { sftp?: SFTPWrapper }).sftp;
  if (!sftp) throw new Error('The SFTP session is not open.');
  return sftp;
}

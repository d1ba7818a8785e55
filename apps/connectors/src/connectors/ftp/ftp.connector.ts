import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { Client, enterPassiveModeIPv6 } from 'basic-ftp';
import {
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
} from '@app/common';
import type { ByteRange, Features, ListOptions, Page, ReadResult } from '../connector';
import type { PathConnector, PathEntry } from '../path-connector';
import { pageBy, pageByName } from '../paging';
import { baseName, checkPath, isSameOrBelow, joinPath, parentOf } from '../paths';
import { resolveRange } from '../range';
import { LimitStream } from '../streams';
import { upstreamFor } from '../upstream';
import type { FtpConfig } from './ftp.config';
import { isFolder, toAppError, toEntry, type FtpInfo } from './ftp.mapper';
import { isIP } from 'node:net';
import type { ConnectorDeps } from '../registry';

const TEMP_PREFIX = '.kl-upload-';
const MAX_CONNECTIONS = 4;

/**
 * FTP and FTPS (basic-ftp). One FTP connection does one thing at a time, so
 * the connector keeps a small pool; a read holds its connection until the
 * stream ends.
 */
export class FtpConnector implements PathConnector {
  static readonly features: Features = {
    addressing: 'path',
    bucketBased: false,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: [],
    rawPassthrough: false,
  };
  readonly features = FtpConnector.features;
  private readonly upstream = upstreamFor('ftp', toAppError);
  private readonly idle: Client[] = [];
  private readonly waiting: ((client: Client) => void)[] = [];
  private open = 0;
  private closed = false;

  constructor(private readonly config: FtpConfig, private readonly deps: ConnectorDeps) {}

  private async connect(): Promise<Client> {
    const client = new Client(30_000);
    const { host, port, username, password, secure, ca } = this.config;
    try {
      // Connect to the address the policy checked (no rebinding in between); TLS still checks the name.
      const { address } = await this.deps.outbound.resolve(host);
      await client.access({
        host: address,
        port,
        user: username,
        password,
        secure: secure === 'none' ? false : secure === 'implicit' ? 'implicit' : true,
        secureOptions: { servername: isIP(host) ? undefined : host, ...(ca ? { ca: [ca] } : {}) },
      });
      // Data connections only to the control connection's host (EPSV), never to an address the server names (PASV).
      client.prepareTransfer = enterPassiveModeIPv6;
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  private async acquire(): Promise<Client> {
    const idle = this.idle.pop();
    if (idle && !idle.closed) return idle;
    if (idle) this.open -= 1;
    if (this.open < MAX_CONNECTIONS) {
      this.open += 1;
      try {
        return await this.connect();
      } catch (err) {
        this.open -= 1;
        throw err;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(client: Client, broken = false): void {
    if (broken || client.closed || this.closed) {
      client.close();
      this.open -= 1;
      const next = this.waiting.shift();
      if (next) {
        this.acquire().then(next, () => this.waiting.unshift(next));
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(client);
    else this.idle.push(client);
  }

  /** Runs `fn` on a pooled connection; maps failures; a connection that failed at socket level is dropped. */
  private async with<T>(op: string, fn: (c: Client) => Promise<T>, retry = false): Promise<T> {
    return this.upstream.call(
      op,
      async () => {
        const client = await this.acquire();
        try {
          const result = await fn(client);
          this.release(client);
          return result;
        } catch (err) {
          this.release(client, typeof (err as { code?: unknown }).code !== 'number');
          throw err;
        }
      },
      { retry },
    );
  }

  private abs(path: string): string {
    checkPath(path);
    return path === '' ? this.config.root : posix.join(this.config.root, path);
  }

  async validateCredentials(): Promise<void> {
    await this.with('validate', (c) => c.cd(this.abs('')));
  }

  /** Entries of a folder, or null when it is not a folder. */
  private async listRaw(path: string): Promise<FtpInfo[] | null> {
    try {
      return await this.with(
        'list',
        async (c) => {
          await c.cd(this.abs(path));
          return (await c.list()).filter((i) => i.name !== '.' && i.name !== '..' && !i.name.startsWith(TEMP_PREFIX));
        },
        true,
      );
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  private async info(path: string): Promise<FtpInfo | null> {
    if (path === '') {
      return (await this.listRaw('')) ? { name: '', type: 2, size: 0 } : null;
    }
    const siblings = await this.listRaw(parentOf(path));
    return siblings?.find((i) => i.name === baseName(path)) ?? null;
  }

  private async requireFolder(path: string): Promise<FtpInfo[]> {
    const entries = await this.listRaw(path);
    if (!entries) throw new NotFoundError(`Folder not found: ${path}`);
    return entries;
  }

  async list(folder: string, options: ListOptions): Promise<Page<PathEntry>> {
    const page = pageByName(await this.requireFolder(folder), options);
    return { items: page.items.map((i) => toEntry(joinPath(folder, i.name), i)), next: page.next };
  }

  async stat(path: string): Promise<PathEntry> {
    checkPath(path);
    const info = await this.info(path);
    if (!info) throw new NotFoundError(`Not found: ${path}`);
    return toEntry(path, info);
  }

  async read(path: string, range?: ByteRange): Promise<ReadResult> {
    checkPath(path);
    const info = await this.info(path);
    if (!info || isFolder(info)) throw new NotFoundError(`File not found: ${path}`);
    const { start, length } = resolveRange(range, info.size);
    const client = await this.upstream.call('read', () => this.acquire());
    const out = new PassThrough();
    let done = false;
    const limiter = new LimitStream(length, () => {
      // Got every byte asked for: stop the transfer by dropping this connection.
      done = true;
      client.close();
    });
    limiter.pipe(out);
    if (length === 0) limiter.end();
    else {
      client.downloadTo(limiter, this.abs(path), start).then(
        () => {
          limiter.end();
          this.release(client);
        },
        (err) => {
          this.release(client, true);
          if (!done) out.destroy(this.upstream.map(err, 'read'));
        },
      );
    }
    if (length === 0) this.release(client);
    out.on('close', () => {
      if (!limiter.writableEnded && !done) {
        done = true;
        client.close();
      }
    });
    return { stream: out, size: info.size, contentLength: length, mimeType: toEntry(path, info).mimeType };
  }

  private async prepareWrite(path: string): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConflictError('Cannot write to the root folder.');
    const siblings = await this.requireFolder(parentOf(path));
    const existing = siblings.find((i) => i.name === baseName(path));
    if (existing && isFolder(existing)) throw new ConflictError(`A folder exists at ${path}.`);
  }

  async write(path: string, body: Readable): Promise<PathEntry> {
    await this.prepareWrite(path);
    const temp = joinPath(parentOf(path), `${TEMP_PREFIX}${randomUUID()}`);
    try {
      await this.with('write', (c) => c.uploadFrom(body, this.abs(temp)));
      await this.with('write', (c) => c.rename(this.abs(temp), this.abs(path)));
    } catch (err) {
      await this.with('write', (c) => c.remove(this.abs(temp), true)).catch(() => undefined);
      throw err;
    }
    return this.stat(path);
  }

  async mkdir(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') throw new ConflictError('The root folder already exists.');
    const siblings = await this.requireFolder(parentOf(path));
    if (siblings.some((i) => i.name === baseName(path))) throw new ConflictError(`An item already exists at ${path}.`);
    await this.with('mkdir', (c) => c.send(`MKD ${this.abs(path)}`));
    return this.stat(path);
  }

  async move(from: string, to: string): Promise<PathEntry> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new InvalidParametersError('Cannot move the root folder.');
    const info = await this.info(from);
    if (!info) throw new NotFoundError(`Not found: ${from}`);
    if (isFolder(info) && isSameOrBelow(to, from)) throw new InvalidParametersError('Cannot move a folder into itself.');
    const siblings = await this.requireFolder(parentOf(to));
    if (siblings.some((i) => i.name === baseName(to))) throw new ConflictError(`An item already exists at ${to}.`);
    await this.with('move', (c) => c.rename(this.abs(from), this.abs(to)));
    return this.stat(to);
  }

  async remove(path: string, options: { recursive: boolean }): Promise<void> {
    checkPath(path);
    if (path === '') throw new PermissionDeniedError('The root folder cannot be deleted.');
    const info = await this.info(path);
    if (!info) throw new NotFoundError(`Not found: ${path}`);
    if (!isFolder(info)) {
      await this.with('remove', (c) => c.remove(this.abs(path)));
      return;
    }
    if (!options.recursive && ((await this.listRaw(path)) ?? []).length > 0) throw new FolderNotEmptyError();
    if (options.recursive) await this.with('remove', (c) => c.removeDir(this.abs(path)));
    else await this.with('remove', (c) => c.send(`RMD ${this.abs(path)}`));
  }

  async search(folder: string, query: string, options: ListOptions): Promise<Page<PathEntry>> {
    const needle = query.toLowerCase();
    const found: PathEntry[] = [];
    const walk = async (dir: string, entries: FtpInfo[]): Promise<void> => {
      for (const item of entries) {
        const path = joinPath(dir, item.name);
        if (item.name.toLowerCase().includes(needle)) found.push(toEntry(path, item));
        if (isFolder(item)) await walk(path, (await this.listRaw(path)) ?? []);
      }
    };
    await walk(folder, await this.requireFolder(folder));
    return pageBy(found, (e) => e.path, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const client of this.idle.splice(0)) client.close();
    this.open = 0;
  }
}

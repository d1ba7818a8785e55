import type { Readable } from 'node:stream';
import { createClient, type FileStat, type WebDAVClient } from 'webdav';
import {
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
} from '@app/common';
import type { ByteRange, Features, ListOptions, Page, RawRequest, RawResponse, ReadResult } from '../connector';
import type { PathConnector, PathEntry } from '../path-connector';
import { pageBy, pageByName } from '../paging';
import { checkPath, isSameOrBelow, joinPath, parentOf } from '../paths';
import { resolveRange } from '../range';
import { upstreamFor } from '../upstream';
import type { WebdavConfig } from './webdav.config';
import { webdavRaw } from './webdav.raw';
import { toAppError, toEntry } from './webdav.mapper';
import { guardedAgents } from '@app/common';
import type { ConnectorDeps } from '../registry';

/** WebDAV (RFC 4918) through the `webdav` client; paths are below the configured collection URL. */
export class WebdavConnector implements PathConnector {
  static readonly features: Features = {
    addressing: 'path',
    bucketBased: false,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: [],
    rawPassthrough: true,
  };
  readonly features = WebdavConnector.features;
  private readonly client: WebDAVClient;
  private readonly upstream = upstreamFor('webdav', toAppError);
  private readonly agents: ReturnType<typeof guardedAgents>;

  constructor(private readonly config: WebdavConfig, deps: ConnectorDeps) {
    // Every connection, redirects included, follows the outbound address policy: a server
    // may redirect to an internal address, which the agents refuse.
    this.agents = guardedAgents(deps.outbound);
    this.client = createClient(config.url, { username: config.username, password: config.password, ...this.agents });
  }

  /** A request of the client's own below the account's collection (POST /v1/accounts/{id}/raw), with its credentials. */
  async raw(request: RawRequest): Promise<RawResponse> {
    return this.upstream.call('raw', () => webdavRaw(this.config, this.agents, request));
  }

  private dav(path: string): string {
    return `/${checkPath(path)}`;
  }

  async validateCredentials(): Promise<void> {
    const info = await this.statOrNull('');
    if (info?.type !== 'directory') throw new NotFoundError('The WebDAV folder does not exist.');
  }

  private async statOrNull(path: string): Promise<FileStat | null> {
    try {
      return (await this.upstream.call('stat', () => this.client.stat(this.dav(path)), { retry: true })) as FileStat;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  private async requireFolder(path: string): Promise<void> {
    if ((await this.statOrNull(path))?.type !== 'directory') throw new NotFoundError(`Folder not found: ${path}`);
  }

  private async children(path: string): Promise<FileStat[]> {
    await this.requireFolder(path);
    const items = (await this.upstream.call('list', () => this.client.getDirectoryContents(this.dav(path)), { retry: true })) as FileStat[];
    return items.filter((i) => i.basename !== '');
  }

  async list(folder: string, options: ListOptions): Promise<Page<PathEntry>> {
    const items = (await this.children(folder)).map((i) => ({ name: i.basename, stat: i }));
    const page = pageByName(items, options);
    return { items: page.items.map((i) => toEntry(joinPath(folder, i.name), i.stat)), next: page.next };
  }

  async stat(path: string): Promise<PathEntry> {
    const info = await this.statOrNull(path);
    if (!info) throw new NotFoundError(`Not found: ${path}`);
    return toEntry(path, info);
  }

  async read(path: string, range?: ByteRange): Promise<ReadResult> {
    const info = await this.statOrNull(path);
    if (!info || info.type !== 'file') throw new NotFoundError(`File not found: ${path}`);
    const { start, end, length } = resolveRange(range, info.size);
    const stream = this.client.createReadStream(this.dav(path), length === 0 || !range ? {} : { range: { start, end } }) as Readable;
    const upstream = this.upstream;
    stream.on('error', () => undefined);
    const original = stream.emit.bind(stream);
    stream.emit = ((event: string, ...args: unknown[]) =>
      event === 'error' ? original('error', upstream.map(args[0], 'read')) : original(event, ...args)) as typeof stream.emit;
    return { stream, size: info.size, contentLength: length, mimeType: toEntry(path, info).mimeType };
  }

  private async prepareWrite(path: string): Promise<void> {
    checkPath(path);
    if (path === '') throw new ConflictError('Cannot write to the root folder.');
    await this.requireFolder(parentOf(path));
    if ((await this.statOrNull(path))?.type === 'directory') throw new ConflictError(`A folder exists at ${path}.`);
  }

  async write(path: string, body: Readable, options?: { size?: number }): Promise<PathEntry> {
    await this.prepareWrite(path);
    await this.upstream.call('write', () =>
      this.client.putFileContents(this.dav(path), body, { overwrite: true, contentLength: options?.size ?? false }),
    );
    return this.stat(path);
  }

  async mkdir(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') throw new ConflictError('The root folder already exists.');
    await this.requireFolder(parentOf(path));
    if (await this.statOrNull(path)) throw new ConflictError(`An item already exists at ${path}.`);
    await this.upstream.call('mkdir', () => this.client.createDirectory(this.dav(path)));
    return this.stat(path);
  }

  private async prepareTransfer(from: string, to: string, op: string): Promise<void> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new InvalidParametersError(`Cannot ${op} the root folder.`);
    const info = await this.statOrNull(from);
    if (!info) throw new NotFoundError(`Not found: ${from}`);
    if (info.type === 'directory' && isSameOrBelow(to, from)) throw new InvalidParametersError(`Cannot ${op} a folder into itself.`);
    await this.requireFolder(parentOf(to));
    if (await this.statOrNull(to)) throw new ConflictError(`An item already exists at ${to}.`);
  }

  async move(from: string, to: string): Promise<PathEntry> {
    await this.prepareTransfer(from, to, 'move');
    await this.upstream.call('move', () => this.client.moveFile(this.dav(from), this.dav(to), { overwrite: false }));
    return this.stat(to);
  }

  async copy(from: string, to: string): Promise<PathEntry> {
    await this.prepareTransfer(from, to, 'copy');
    await this.upstream.call('copy', () => this.client.copyFile(this.dav(from), this.dav(to), { overwrite: false }));
    return this.stat(to);
  }

  async remove(path: string, options: { recursive: boolean }): Promise<void> {
    checkPath(path);
    if (path === '') throw new PermissionDeniedError('The root folder cannot be deleted.');
    const info = await this.statOrNull(path);
    if (!info) throw new NotFoundError(`Not found: ${path}`);
    if (info.type === 'directory' && !options.recursive && (await this.children(path)).length > 0) {
      throw new FolderNotEmptyError();
    }
    await this.upstream.call('remove', () => this.client.deleteFile(this.dav(path)));
  }

  async search(folder: string, query: string, options: ListOptions): Promise<Page<PathEntry>> {
    const needle = query.toLowerCase();
    const found: PathEntry[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const item of await this.children(dir)) {
        const path = joinPath(dir, item.basename);
        if (item.basename.toLowerCase().includes(needle)) found.push(toEntry(path, item));
        if (item.type === 'directory') await walk(path);
      }
    };
    await walk(folder);
    return pageBy(found, (e) => e.path, options);
  }
}

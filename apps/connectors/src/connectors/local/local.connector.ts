import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
import type { LocalConfig } from './local.config';
import { toAppError, toEntry } from './local.mapper';

/** Temporary files of uploads in progress start with this and are never listed. */
const TEMP_PREFIX = '.kl-upload-';

/** A search visits at most this many entries and runs at most this long, then answers with what it found. */
export const SEARCH_MAX_ENTRIES = 100_000;
export const SEARCH_MAX_MS = 10_000;

/**
 * Absolute path of `rel` below `root`, refusing anything that would land
 * outside it (lexically; symlinks are checked by LocalConnector.resolve).
 */
export function resolveInside(root: string, rel: string): string {
  checkPath(rel);
  const abs = resolve(root, rel);
  if (abs !== root && !abs.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new InvalidParametersError('path is outside the account root');
  }
  return abs;
}

export class LocalConnector implements PathConnector {
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
  readonly features = LocalConnector.features;
  private readonly root: string;
  private readonly jail: string;
  private readonly upstream = upstreamFor('local', toAppError);

  constructor(config: LocalConfig) {
    this.root = resolve(config.path);
    this.jail = resolve(config.jail ?? config.path);
  }

  /**
   * The account folder's real path, checked on every call to lie inside the
   * jail: a folder replaced by a symlink after the account was made is refused.
   */
  private async realRoot(): Promise<string> {
    const [realJail, realRoot] = await this.upstream.call('stat', () => Promise.all([fs.realpath(this.jail), fs.realpath(this.root)]));
    if (realRoot !== realJail && !realRoot.startsWith(realJail + sep)) {
      throw new PermissionDeniedError('The account folder leads outside its storage through a link.');
    }
    return realRoot;
  }

  /** Whether `abs` (inside the root lexically) really lies inside `realRoot` once symlinks are followed. */
  private async staysInside(abs: string, realRoot: string): Promise<boolean> {
    try {
      const real = await fs.realpath(abs);
      return real === realRoot || real.startsWith(realRoot + sep);
    } catch {
      return false; // a dangling link
    }
  }

  async validateCredentials(): Promise<void> {
    const stats = await this.upstream.call('validate', () => fs.stat(this.root));
    if (!stats.isDirectory()) throw new NotFoundError('The account folder does not exist.');
  }

  /** Resolves `rel` and checks that its nearest existing ancestor, symlinks followed, is still inside the root. */
  private async resolve(rel: string): Promise<string> {
    const abs = resolveInside(this.root, rel);
    const realRoot = await this.realRoot();
    let probe = abs;
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        if (real !== realRoot && !real.startsWith(realRoot + sep)) {
          throw new PermissionDeniedError('The path leaves the account folder through a link.');
        }
        return abs;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || probe === this.root) {
          throw this.upstream.map(err, 'resolve');
        }
        probe = dirname(probe);
      }
    }
  }

  private async statAbs(abs: string, op: string): Promise<Stats> {
    return this.upstream.call(op, () => fs.stat(abs));
  }

  private async exists(abs: string): Promise<boolean> {
    try {
      await fs.lstat(abs);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.upstream.map(err, 'stat');
    }
  }

  private async requireFolder(rel: string, op: string): Promise<string> {
    const abs = await this.resolve(rel);
    const stats = await this.statAbs(abs, op);
    if (!stats.isDirectory()) throw new NotFoundError(`Folder not found: ${rel}`);
    return abs;
  }

  async list(folder: string, options: ListOptions): Promise<Page<PathEntry>> {
    const abs = await this.requireFolder(folder, 'list');
    const dirents = await this.upstream.call('list', () => fs.readdir(abs, { withFileTypes: true }));
    const names = dirents.filter((d) => !d.name.startsWith(TEMP_PREFIX)).map((d) => ({ name: d.name }));
    const page = pageByName(names, options);
    const realRoot = await this.realRoot();
    const items: PathEntry[] = [];
    for (const { name } of page.items) {
      const rel = joinPath(folder, name);
      const entry = await this.entryInside(rel, resolveInside(this.root, rel), realRoot, 'list');
      if (entry) items.push(entry);
    }
    return { items, next: page.next };
  }

  /**
   * The entry at `abs`, or null when it vanished or is a link leading outside
   * the account: nothing about what lies outside (size, times, mode) is shown.
   */
  private async entryInside(rel: string, abs: string, realRoot: string, op: string): Promise<PathEntry | null> {
    try {
      const link = await fs.lstat(abs);
      if (link.isSymbolicLink() && !(await this.staysInside(abs, realRoot))) return null;
      return toEntry(rel, link.isSymbolicLink() ? await fs.stat(abs) : link);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.upstream.map(err, op);
    }
  }

  async stat(path: string): Promise<PathEntry> {
    const abs = await this.resolve(path);
    return toEntry(path, await this.statAbs(abs, 'stat'));
  }

  async read(path: string, range?: ByteRange): Promise<ReadResult> {
    const abs = await this.resolve(path);
    const stats = await this.statAbs(abs, 'read');
    if (stats.isDirectory()) throw new NotFoundError(`Not a file: ${path}`);
    const { start, end, length } = resolveRange(range, stats.size);
    // 1 MiB reads: far fewer syscalls and chunks per GiB than the 64 KiB default, still bounded memory.
    const stream = length === 0 ? createReadStream(abs) : createReadStream(abs, { start, end, highWaterMark: 1024 * 1024 });
    stream.on('error', () => undefined);
    const mapped = toEntry(path, stats);
    return { stream, size: stats.size, contentLength: length, mimeType: mapped.mimeType };
  }

  /** Target of a write: parent must be a folder, the path must not be a folder. */
  private async prepareWrite(path: string): Promise<string> {
    checkPath(path);
    if (path === '') throw new ConflictError('Cannot write to the root folder.');
    await this.requireFolder(parentOf(path), 'write');
    const abs = await this.resolve(path);
    try {
      if ((await fs.lstat(abs)).isDirectory()) throw new ConflictError(`A folder exists at ${path}.`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw this.upstream.map(err, 'write');
    }
    return abs;
  }

  private tempPathFor(abs: string, uploadKey: string = randomUUID()): string {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(uploadKey)) throw new InvalidParametersError('uploadKey must be letters, digits and dashes');
    return resolve(dirname(abs), `${TEMP_PREFIX}${uploadKey}`);
  }

  async write(path: string, body: Readable): Promise<PathEntry> {
    const abs = await this.prepareWrite(path);
    const temp = this.tempPathFor(abs);
    try {
      await this.upstream.call('write', () => pipeline(body, createWriteStream(temp, { flags: 'wx' })));
      await this.upstream.call('write', () => fs.rename(temp, abs));
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    return this.stat(path);
  }

  async mkdir(path: string): Promise<PathEntry> {
    checkPath(path);
    if (path === '') throw new ConflictError('The root folder already exists.');
    await this.requireFolder(parentOf(path), 'mkdir');
    const abs = await this.resolve(path);
    await this.upstream.call('mkdir', () => fs.mkdir(abs));
    return this.stat(path);
  }

  /** Checks a move/copy: source exists, target free, target's parent a folder, no folder into itself. */
  private async prepareTransfer(from: string, to: string, op: string): Promise<{ src: string; dst: string; stats: Stats }> {
    checkPath(from);
    checkPath(to);
    if (from === '' || to === '') throw new InvalidParametersError('Cannot move or copy the root folder.');
    const src = await this.resolve(from);
    const stats = await this.statAbs(src, op);
    if (stats.isDirectory() && isSameOrBelow(to, from)) {
      throw new InvalidParametersError('Cannot move or copy a folder into itself.');
    }
    await this.requireFolder(parentOf(to), op);
    const dst = await this.resolve(to);
    if (await this.exists(dst)) throw new ConflictError(`An item already exists at ${to}.`);
    return { src, dst, stats };
  }

  async move(from: string, to: string): Promise<PathEntry> {
    const { src, dst } = await this.prepareTransfer(from, to, 'move');
    await this.upstream.call('move', () => fs.rename(src, dst));
    return this.stat(to);
  }

  async copy(from: string, to: string): Promise<PathEntry> {
    const { src, dst } = await this.prepareTransfer(from, to, 'copy');
    await this.upstream.call('copy', () => fs.cp(src, dst, { recursive: true, errorOnExist: true, force: false }));
    return this.stat(to);
  }

  async remove(path: string, options: { recursive: boolean }): Promise<void> {
    checkPath(path);
    if (path === '') throw new PermissionDeniedError('The root folder cannot be deleted.');
    const abs = await this.resolve(path);
    const stats = await this.upstream.call('remove', () => fs.lstat(abs));
    if (!stats.isDirectory()) {
      await this.upstream.call('remove', () => fs.unlink(abs));
    } else if (options.recursive) {
      await this.upstream.call('remove', () => fs.rm(abs, { recursive: true }));
    } else {
      const left = await this.upstream.call('remove', () => fs.readdir(abs));
      if (left.length > 0) throw new FolderNotEmptyError();
      await this.upstream.call('remove', () => fs.rmdir(abs));
    }
  }

  async search(folder: string, query: string, options: ListOptions): Promise<Page<PathEntry>> {
    const abs = await this.requireFolder(folder, 'search');
    const realRoot = await this.realRoot();
    const needle = query.toLowerCase();
    const found: PathEntry[] = [];
    // Bounded: a huge tree answers with what was found within the limits, never a walk without end.
    const until = Date.now() + SEARCH_MAX_MS;
    let visited = 0;
    const walk = async (dir: string, rel: string): Promise<void> => {
      const dirents = await this.upstream.call('search', () => fs.readdir(dir, { withFileTypes: true }));
      for (const d of dirents) {
        if (++visited > SEARCH_MAX_ENTRIES || Date.now() > until) return;
        if (d.name.startsWith(TEMP_PREFIX)) continue;
        const childRel = joinPath(rel, d.name);
        const childAbs = resolve(dir, d.name);
        if (d.name.toLowerCase().includes(needle)) {
          const entry = await this.entryInside(childRel, childAbs, realRoot, 'search');
          if (entry) found.push(entry);
        }
        if (d.isDirectory()) await walk(childAbs, childRel); // a Dirent of a symlink is never a directory: links are not followed
      }
    };
    await walk(abs, folder);
    return pageBy(found, (e) => e.path, options);
  }

  /** Parts are written at their offsets into a hidden file named by the upload key, renamed into place by complete(). */
  async openChunkWriter(path: string, options: ChunkWriterOptions): Promise<PathChunkWriter> {
    const { size } = options;
    const key = typeof options.resume?.key === 'string' ? options.resume.key : (options.uploadKey ?? randomUUID());
    const abs = options.resume ? await this.resolve(path) : await this.prepareWrite(path);
    const temp = this.tempPathFor(abs, key);
    if (options.resume) {
      await this.upstream.call('upload', () => fs.stat(temp)).catch(() => {
        throw new NotFoundError('The upload to continue is gone.');
      });
    } else {
      await this.upstream.call('upload', () => fs.writeFile(temp, '', { flag: 'wx' }));
    }
    const upstream = this.upstream;
    const features = this.features;
    return {
      state: { key },
      async writePart(part: PartSpec, body: Readable) {
        checkPart(part, size, features);
        await upstream.call('upload', () => pipeline(body, createWriteStream(temp, { flags: 'r+', start: part.offset })));
        return {};
      },
      complete: async (parts: UploadedPart[]) => {
        partsInOrder(parts, size);
        const stats = await upstream.call('upload', () => fs.stat(temp));
        if (stats.size !== size) throw new InvalidParametersError(`The parts add up to ${stats.size} bytes, not ${size}.`);
        await this.prepareWrite(path);
        await upstream.call('upload', () => fs.rename(temp, abs));
        return this.stat(path);
      },
      async abort() {
        await fs.rm(temp, { force: true });
      },
    };
  }

  async abortChunkUpload(path: string, uploadKey: string): Promise<void> {
    const abs = await this.resolve(path);
    await fs.rm(this.tempPathFor(abs, uploadKey), { force: true });
  }

  async close(): Promise<void> {
    // nothing held open
  }
}

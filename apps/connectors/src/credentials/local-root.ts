import { lstat, mkdir, realpath, rename } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidParametersError, ServiceUnavailableError } from '@app/common';

/** Stored configs of `local` accounts made since tenant isolation carry this layout. */
export const LOCAL_LAYOUT = 2;

/** App ids become one path segment: nothing else may reach the file system. */
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What a `local` account's stored config holds (sealed in auth). */
export interface StoredLocalConfig {
  /** Folder relative to the app's own directory. */
  path: string;
  layout: typeof LOCAL_LAYOUT;
  /** Set by auth's layout migration on the first owner's accounts: the folder they used below the shared root. */
  legacyFolder?: string;
}

/**
 * Where `local` accounts live: `LOCAL_STORAGE_ROOT/apps/<app id>/<path>`. Each
 * app has its own directory, made by us, and every path a user gives is
 * resolved inside it, so no spelling of a path reaches another app's folder.
 * Nothing is created until the path is accepted, and the real path (symlinks
 * followed) is checked to stay inside the app's directory.
 */
export class LocalRoot {
  constructor(readonly root: string) {}

  /** The app's own directory (not created here). @throws InvalidParametersError for an app id unfit for a path */
  appDir(appId: string): string {
    if (!APP_ID.test(appId)) throw new InvalidParametersError('This app id cannot own local storage.');
    return join(this.root, 'apps', appId);
  }

  /** Resolves a user-given folder (relative to the app's directory, or absolute inside it) and refuses anything outside. */
  resolve(appId: string, path: unknown): { relative: string; absolute: string; jail: string } {
    if (typeof path !== 'string' || path.trim() === '') {
      throw new InvalidParametersError('config.path is required: a folder of your local storage.');
    }
    if (path.includes('\0')) throw new InvalidParametersError('config.path must not contain NUL.');
    const jail = this.appDir(appId);
    const absolute = isAbsolute(path) ? resolve(path) : resolve(jail, path);
    const rel = relative(jail, absolute);
    if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) {
      throw new InvalidParametersError('config.path must be a folder inside your local storage.');
    }
    if (rel.split(sep).some((segment) => Buffer.byteLength(segment) > 255)) {
      throw new InvalidParametersError('config.path has a folder name longer than 255 bytes.');
    }
    return { relative: rel.split(sep).join('/'), absolute, jail };
  }

  /**
   * Checks the path, then creates the folder if missing. The nearest existing
   * ancestor is resolved (symlinks followed) and must lie inside the app's
   * directory before anything is made, so a link cannot make us create
   * folders elsewhere; the finished folder is checked again.
   */
  async prepare(appId: string, path: unknown): Promise<{ stored: StoredLocalConfig; absolute: string; jail: string }> {
    const resolved = this.resolve(appId, path);
    await mkdir(resolved.jail, { recursive: true });
    const realJail = await realpath(resolved.jail);
    await this.assertInside(await nearestExisting(resolved.absolute), realJail);
    await mkdir(resolved.absolute, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST' || err.code === 'ENOTDIR') throw new InvalidParametersError('config.path names a file, not a folder.');
      if (err.code === 'ENAMETOOLONG') throw new InvalidParametersError('config.path is too long.');
      throw err;
    });
    const stats = await lstat(resolved.absolute);
    if (!stats.isDirectory()) throw new InvalidParametersError('config.path names a file, not a folder.');
    await this.assertInside(resolved.absolute, realJail);
    return { stored: { path: resolved.relative, layout: LOCAL_LAYOUT }, absolute: resolved.absolute, jail: resolved.jail };
  }

  /**
   * The live connector's folder and jail from a stored config. A config from
   * before the per-app layout is refused: auth rewrites those at start.
   */
  async open(appId: string, stored: Record<string, unknown>): Promise<{ absolute: string; jail: string }> {
    if (stored.layout !== LOCAL_LAYOUT) {
      throw new ServiceUnavailableError('This local account is waiting for its storage layout migration; retry shortly.');
    }
    const resolved = this.resolve(appId, stored.path);
    if (typeof stored.legacyFolder === 'string') await this.adoptLegacyFolder(stored.legacyFolder, resolved.absolute);
    return { absolute: resolved.absolute, jail: resolved.jail };
  }

  /**
   * Moves an account's folder from the shared layout (`ROOT/<path>`) into its
   * app's directory, once: only when the old folder exists, is a real folder
   * (not a link) inside the root, and the new place is still free.
   */
  private async adoptLegacyFolder(legacy: string, target: string): Promise<void> {
    const from = resolve(this.root, legacy);
    const rel = relative(this.root, from);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] === 'apps') return;
    const [source, existing] = await Promise.all([lstat(from).catch(() => null), lstat(target).catch(() => null)]);
    if (!source?.isDirectory() || existing) return;
    await this.assertInside(dirname(from), await realpath(this.root));
    await mkdir(dirname(target), { recursive: true });
    await rename(from, target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT' && err.code !== 'EEXIST' && err.code !== 'ENOTEMPTY') throw err; // another instance moved it first
    });
  }

  private async assertInside(path: string, realJail: string): Promise<void> {
    const real = await realpath(path);
    if (real !== realJail && !real.startsWith(realJail + sep)) {
      throw new InvalidParametersError('config.path must be a folder inside your local storage.');
    }
  }
}

/** `path` itself if it exists, else its nearest existing ancestor. */
async function nearestExisting(path: string): Promise<string> {
  let probe = path;
  for (;;) {
    try {
      await lstat(probe);
      return probe;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
      const up = dirname(probe);
      if (up === probe) return probe;
      probe = up;
    }
  }
}

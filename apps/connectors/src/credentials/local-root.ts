import { mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InvalidParametersError } from '@app/common';

/**
 * Where a `local` account may live: a folder below LOCAL_STORAGE_ROOT. The
 * stored config keeps the path relative to the root; it is resolved and
 * checked again every time a connector is made.
 */
export class LocalRoot {
  constructor(readonly root: string) {}

  /** Resolves a user-given path (relative, or absolute inside the root) and refuses anything outside. */
  resolve(path: unknown): { relative: string; absolute: string } {
    if (typeof path !== 'string' || path.trim() === '') {
      throw new InvalidParametersError('config.path is required: a folder below LOCAL_STORAGE_ROOT.');
    }
    if (path.includes('\0')) throw new InvalidParametersError('config.path must not contain NUL.');
    const absolute = isAbsolute(path) ? resolve(path) : resolve(this.root, path);
    const rel = relative(this.root, absolute);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new InvalidParametersError('config.path must be a folder below LOCAL_STORAGE_ROOT.');
    }
    return { relative: rel.split(sep).join('/'), absolute };
  }

  /** Creates the folder if missing and checks no symlink leads it outside the root. */
  async prepare(path: unknown): Promise<{ relative: string; absolute: string }> {
    const resolved = this.resolve(path);
    await mkdir(this.root, { recursive: true });
    await mkdir(resolved.absolute, { recursive: true });
    const [realRoot, real] = await Promise.all([realpath(this.root), realpath(resolved.absolute)]);
    if (!real.startsWith(realRoot + sep)) throw new InvalidParametersError('config.path must be a folder below LOCAL_STORAGE_ROOT.');
    return resolved;
  }
}

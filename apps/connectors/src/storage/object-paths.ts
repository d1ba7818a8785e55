import { AppError, ConflictError, decodeStorageId, InvalidParametersError, NotFoundError } from '@app/common';
import type { Connector, Entry, Locator } from '../connectors/connector';
import { idOf } from './storage.mapper';

/** The entry behind an id, which must be of `kind`; a file id on a folder route is not found. */
export async function entryOf(connector: Connector, id: string, kind: 'file' | 'folder'): Promise<Entry> {
  const entry = await connector.stat(decodeStorageId(id));
  if (entry.kind !== kind) throw new NotFoundError(`No ${kind} with id "${id}".`);
  return entry;
}

/** The locator of the folder a new object goes into; a missing or non-folder parent is a 400 (Kloudless: invalid_parent_folder). */
export async function parentFolder(connector: Connector, parentId: string): Promise<Locator> {
  const locator = decodeStorageId(parentId);
  try {
    const entry = await connector.stat(locator);
    if (entry.kind === 'folder') return locator;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  throw new AppError('invalid_parent_folder', `The parent folder "${parentId}" does not exist.`);
}

/** Refuses a name that is taken in `folder`, naming what is there as Kloudless does (409 naming_conflict + conflicting_resource_id). */
export async function assertFree(connector: Connector, folder: Locator, name: string): Promise<void> {
  const existing = await connector.lookup(folder, name);
  if (existing) throw new ConflictError(`"${existing.name}" already exists there.`, idOf(existing.locator));
}

/** `name`, or `name (1).ext`, `name (2).ext`, … — the first that is free in `folder`. */
export async function freeName(connector: Connector, folder: Locator, name: string): Promise<string> {
  if (!(await connector.lookup(folder, name))) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; i < 10_000; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!(await connector.lookup(folder, candidate))) return candidate;
  }
  throw new ConflictError(`No free name for "${name}".`);
}

/** True if `folder` is `ancestor` or lies below it (a folder cannot be moved or copied into itself). */
export async function isWithin(connector: Connector, folder: Locator, ancestor: Locator): Promise<boolean> {
  if (connector.features.addressing === 'path') return ancestor === '' || folder === ancestor || folder.startsWith(`${ancestor}/`);
  // Id-addressed: walk up from `folder` (bounded: a tree deeper than this is not one we walk).
  let current: Locator | null = folder;
  for (let depth = 0; current !== null && depth < 256; depth++) {
    if (current === ancestor) return true;
    if (current === '') return false;
    current = (await connector.stat(current)).parent;
  }
  return false;
}

/** A name for a new object: one path segment (the services' own rules are theirs to enforce). */
export function checkName(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new InvalidParametersError(`Invalid name "${name.length > 64 ? `${name.slice(0, 64)}…` : name}".`);
  }
  return name;
}

/**
 * One string for "the file `name` in `folder`", as tasks and upload sessions
 * store their target: the folder's locator and the name joined by '/'. A name
 * holds no '/', so the last one splits them again; on path-addressed services
 * this is the file's path.
 */
export function targetKey(folder: Locator, name: string): string {
  checkName(name);
  return folder === '' ? name : `${folder}/${name}`;
}

export function targetOf(key: string): { folder: Locator; name: string } {
  const i = key.lastIndexOf('/');
  return i < 0 ? { folder: '', name: key } : { folder: key.slice(0, i), name: key.slice(i + 1) };
}

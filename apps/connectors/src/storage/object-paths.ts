import { AppError, ConflictError, decodeStorageId, encodeStorageId, joinPath, NotFoundError } from '@app/common';
import type { Connector, Entry } from '../connectors/connector';

/** The entry behind an id, which must be of `kind`; a file id on a folder route is not found. */
export async function entryOf(connector: Connector, id: string, kind: 'file' | 'folder'): Promise<Entry> {
  const path = decodeStorageId(id);
  const entry = await connector.stat(path);
  if (entry.kind !== kind) throw new NotFoundError(`No ${kind} with id "${id}".`);
  return entry;
}

/** The folder a new object goes into; a missing or non-folder parent is a 400 (Kloudless: invalid_parent_folder). */
export async function parentFolder(connector: Connector, parentId: string): Promise<string> {
  const path = decodeStorageId(parentId);
  try {
    const entry = await connector.stat(path);
    if (entry.kind === 'folder') return path;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  throw new AppError('invalid_parent_folder', `The parent folder "${parentId}" does not exist.`);
}

/** The entry at `path`, or null when nothing is there. */
export async function statOrNull(connector: Connector, path: string): Promise<Entry | null> {
  try {
    return await connector.stat(path);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/** Refuses a target that exists, naming it as Kloudless does (409 naming_conflict + conflicting_resource_id). */
export async function assertFree(connector: Connector, path: string): Promise<void> {
  const existing = await statOrNull(connector, path);
  if (existing) throw new ConflictError(`"${existing.name}" already exists there.`, encodeStorageId(path));
}

/** `name`, or `name (1).ext`, `name (2).ext`, … — the first that is free in `folder`. */
export async function freeName(connector: Connector, folder: string, name: string): Promise<string> {
  if (!(await statOrNull(connector, joinPath(folder, name)))) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; i < 10_000; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!(await statOrNull(connector, joinPath(folder, candidate)))) return candidate;
  }
  throw new ConflictError(`No free name for "${name}".`);
}

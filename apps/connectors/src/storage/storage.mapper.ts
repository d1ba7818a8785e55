import { encodeStorageId, type FolderRef, type PublicStorageObject } from '@app/common';
import type { Entry, Locator } from '../connectors/connector';

/** The public id of a locator (the root is `root`). */
export function idOf(locator: Locator): string {
  return encodeStorageId(locator);
}

/** The file as the call that wrote it answers: with its upload tags when the caller gave some (seed 004). */
export function withTags(file: PublicStorageObject, tags: Record<string, string> | undefined): PublicStorageObject {
  return tags ? { ...file, upload_tags: tags } : file;
}

/**
 * The public File/Folder object of an entry (KLOUDLESS-API.md §3). `ancestors`
 * and `path` are given where the connector knows them (always for
 * path-addressed services); otherwise the parent is named by id only.
 */
export function toStorageObject(entry: Entry, accountId: number, opts: { rawData: boolean }): PublicStorageObject {
  const isRoot = entry.locator === '';
  const ancestors: FolderRef[] | null = entry.ancestors ? entry.ancestors.map((a) => ({ id: idOf(a.locator), name: a.name })) : null;
  const parent: FolderRef | null = isRoot || entry.parent === null ? null : (ancestors?.[ancestors.length - 1] ?? { id: idOf(entry.parent), name: '' });
  const obj: PublicStorageObject = {
    api: 'storage',
    type: entry.kind,
    id: idOf(entry.locator),
    name: isRoot ? '' : entry.name,
    size: entry.kind === 'folder' ? null : entry.size,
    created: entry.created?.toISOString() ?? null,
    modified: entry.modified?.toISOString() ?? null,
    account: accountId,
    parent,
    ancestors: isRoot ? null : ancestors,
    path: entry.path !== undefined ? `/${entry.path}` : null,
  };
  if (entry.kind === 'file') {
    obj.mime_type = entry.mimeType ?? 'application/octet-stream';
    obj.downloadable = true;
  } else {
    obj.can_create_folders = true;
    obj.can_upload_files = true;
  }
  if (opts.rawData) {
    obj.raw_id = entry.locator;
    obj.raw = { id: entry.locator, object: entry.raw ?? {} };
  }
  return obj;
}

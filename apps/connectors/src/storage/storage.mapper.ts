import { baseName, encodeStorageId, ROOT_ID, type FolderRef, type PublicStorageObject } from '@app/common';
import type { Entry } from '../connectors/connector';

/** Folder refs from the root down to (not including) `path`'s own entry. */
export function ancestorsOf(path: string): FolderRef[] {
  const refs: FolderRef[] = [{ id: ROOT_ID, name: '' }];
  const parts = path === '' ? [] : path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const p = parts.slice(0, i).join('/');
    refs.push({ id: encodeStorageId(p), name: parts[i - 1] });
  }
  return refs;
}

/** The file as the call that wrote it answers: with its upload tags when the caller gave some (seed 004). */
export function withTags(file: PublicStorageObject, tags: Record<string, string> | undefined): PublicStorageObject {
  return tags ? { ...file, upload_tags: tags } : file;
}

/** The public File/Folder object of an entry (KLOUDLESS-API.md §3). */
export function toStorageObject(entry: Entry, accountId: number, opts: { rawData: boolean }): PublicStorageObject {
  const isRoot = entry.path === '';
  const ancestors = isRoot ? [] : ancestorsOf(entry.path);
  const obj: PublicStorageObject = {
    api: 'storage',
    type: entry.kind,
    id: encodeStorageId(entry.path),
    name: isRoot ? '' : baseName(entry.path),
    size: entry.kind === 'folder' ? null : entry.size,
    created: entry.created?.toISOString() ?? null,
    modified: entry.modified?.toISOString() ?? null,
    account: accountId,
    parent: isRoot ? null : ancestors[ancestors.length - 1],
    ancestors: isRoot ? null : ancestors,
    path: `/${entry.path}`,
  };
  if (entry.kind === 'file') {
    obj.mime_type = entry.mimeType ?? 'application/octet-stream';
    obj.downloadable = true;
  } else {
    obj.can_create_folders = true;
    obj.can_upload_files = true;
  }
  if (opts.rawData) {
    obj.raw_id = entry.path;
    obj.raw = { id: entry.path, object: entry.raw ?? {} };
  }
  return obj;
}

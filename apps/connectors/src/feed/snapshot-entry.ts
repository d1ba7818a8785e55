import { decodeStorageId, type PublicStorageObject } from '@app/common';
import type { Entry } from '../connectors/connector';
import { placeOfPath } from '../connectors/path-connector';

/**
 * One object of an account as the change feed last saw it (a `feed_entries`
 * row). On path-addressed services path and ancestors are derived from the
 * locator when read (the stored ones are ignored), so a folder move rewrites
 * its descendants' locators only.
 */
export interface SnapshotEntry {
  locator: string;
  parent: string | null;
  kind: 'file' | 'folder';
  name: string;
  size: number | null;
  created: Date | null;
  modified: Date | null;
  mimeType: string | null;
  path: string | null;
  ancestors: { locator: string; name: string }[] | null;
  /**
   * False while the row holds what a write through our API answered: its
   * modification time may differ from what a listing says (S3 lists whole
   * seconds of the server's clock), so the scan adopts the listing's values
   * instead of reporting an update, unless the size differs.
   */
  settled: boolean;
  /** A change outside our API seen by one pass, reported when the next one sees it too. */
  pending: 'add' | 'update' | 'delete' | null;
}

export type Addressing = 'path' | 'id';

/** `settled`: the entry comes from a listing (the scan), not from what a write answered. */
export function snapshotOf(entry: Entry, settled: boolean): SnapshotEntry {
  return {
    settled,
    pending: null,
    locator: entry.locator,
    parent: entry.parent,
    kind: entry.kind,
    name: entry.name,
    size: entry.kind === 'file' ? entry.size : null,
    created: entry.created,
    modified: entry.modified,
    mimeType: entry.mimeType ?? null,
    path: entry.path ?? null,
    ancestors: entry.ancestors ?? null,
  };
}

export function entryOfSnapshot(s: SnapshotEntry, addressing: Addressing): Entry {
  const place = addressing === 'path' ? { ...placeOfPath(s.locator), path: s.locator } : { locator: s.locator, parent: s.parent, path: s.path ?? undefined, ancestors: s.ancestors ?? undefined };
  return { ...place, name: s.name, kind: s.kind, size: s.size, created: s.created, modified: s.modified, mimeType: s.mimeType ?? undefined };
}

/** The entry behind a public File/Folder object (what the upload paths have), for the snapshot. */
export function entryOfPublic(obj: PublicStorageObject): Entry {
  const date = (v: string | null) => (v ? new Date(v) : null);
  return {
    locator: decodeStorageId(obj.id),
    parent: obj.parent ? decodeStorageId(obj.parent.id) : obj.id === 'root' ? null : '',
    name: obj.name,
    kind: obj.type,
    size: obj.size,
    created: date(obj.created),
    modified: date(obj.modified),
    mimeType: obj.mime_type,
    path: obj.path !== null ? obj.path.replace(/^\//, '') : undefined,
    ancestors: obj.ancestors ? obj.ancestors.map((a) => ({ locator: decodeStorageId(a.id), name: a.name })) : undefined,
  };
}

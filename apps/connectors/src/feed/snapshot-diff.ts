import type { Entry } from '../connectors/connector';
import type { SnapshotEntry } from './snapshot-entry';

export interface PageDiff {
  /** Not in the snapshot: new since the last pass. */
  added: Entry[];
  /** In the snapshot with another kind, or (files) another size or modification time. */
  changed: Entry[];
  /** As the snapshot has them. */
  same: Entry[];
  /** Rows a write through our API made, which the listing confirms (same kind and size): its values replace the write's, silently. */
  adopted: Entry[];
}

/**
 * Compares one page of a folder listing with what the snapshot holds for the
 * same locators. A folder's own modification time is not a change: on many
 * services it moves whenever a child does, which the child's event reports.
 */
export function diffPage(items: Entry[], known: ReadonlyMap<string, SnapshotEntry>): PageDiff {
  const diff: PageDiff = { added: [], changed: [], same: [], adopted: [] };
  for (const item of items) {
    const before = known.get(item.locator);
    if (!before) diff.added.push(item);
    else if (differs(before, item)) diff.changed.push(item);
    else if (!before.settled) diff.adopted.push(item);
    else diff.same.push(item);
  }
  return diff;
}

function differs(before: SnapshotEntry, now: Entry): boolean {
  if (before.kind !== now.kind) return true;
  if (now.kind === 'folder') return false;
  if ((before.size ?? null) !== (now.size ?? null)) return true;
  return before.settled && time(before.modified) !== time(now.modified);
}

function time(d: Date | null | undefined): number | null {
  return d ? d.getTime() : null;
}

import type { Entry } from '../connectors/connector';
import { snapshotOf, type SnapshotEntry } from './snapshot-entry';

/** What the scan does with one listed object: the row to write (null: none) and the event to report (null: none yet). */
export interface SeenAction {
  entry: Entry;
  row: SnapshotEntry | null;
  event: 'add' | 'update' | null;
}

/**
 * Compares one page of a folder listing with what the snapshot holds for the
 * same locators. A change outside our API is reported once two consecutive
 * passes saw it (it is `pending` in between): a change made through our API
 * while a pass listed (an S3 rename is a copy then a delete) is recorded by
 * the API meanwhile, which clears the pending mark, so the scan never reports
 * it a second time. During the first pass (`reporting` false) the snapshot is
 * filled and nothing is pending. A folder's own modification time is not a
 * change: on many services it moves whenever a child does.
 */
export function diffPage(items: Entry[], known: ReadonlyMap<string, SnapshotEntry>, reporting: boolean): SeenAction[] {
  return items.map((entry) => {
    const before = known.get(entry.locator);
    const listed = (pending: SnapshotEntry['pending']) => ({ ...snapshotOf(entry, true), pending });
    if (!reporting) return { entry, row: before && !differs(before, entry) && before.settled ? null : listed(null), event: null };
    if (!before) return { entry, row: listed('add'), event: null };
    if (before.pending === 'add') return { entry, row: listed(null), event: 'add' };
    if (differs(before, entry)) return { entry, row: listed('update'), event: null };
    if (before.pending === 'update') return { entry, row: listed(null), event: 'update' };
    if (before.pending === 'delete' || !before.settled) return { entry, row: listed(null), event: null };
    return { entry, row: null, event: null };
  });
}

/**
 * An object the pass did not see in a folder it listed to the end: first
 * marked, reported as deleted when the next pass misses it too; one that was
 * only pending as new just goes. `drop` removes the row (and what is below it).
 */
export function missingAction(row: SnapshotEntry, reporting: boolean): 'drop' | 'mark' | 'report' {
  if (!reporting || row.pending === 'add') return 'drop';
  return row.pending === 'delete' ? 'report' : 'mark';
}

/** Kind, or (files) size, or (files listed before) modification time differ. */
function differs(before: SnapshotEntry, now: Entry): boolean {
  if (before.kind !== now.kind) return true;
  if (now.kind === 'folder') return false;
  if ((before.size ?? null) !== (now.size ?? null)) return true;
  // A row written from what an API write answered has the write's time, not the listing's (S3 lists whole seconds): adopted, not a change.
  return before.settled && time(before.modified) !== time(now.modified);
}

function time(d: Date | null | undefined): number | null {
  return d ? d.getTime() : null;
}

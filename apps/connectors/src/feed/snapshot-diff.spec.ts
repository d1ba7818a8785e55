import type { Entry } from '../connectors/connector';
import { diffPage, missingAction } from './snapshot-diff';
import { snapshotOf, type SnapshotEntry } from './snapshot-entry';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const file = (locator: string, size: number, modified: Date): Entry => ({ locator, parent: '', name: locator, kind: 'file', size, created: null, modified });
const folder = (locator: string, modified: Date): Entry => ({ locator, parent: '', name: locator, kind: 'folder', size: null, created: null, modified });
const row = (e: Entry, extra: Partial<SnapshotEntry> = {}): SnapshotEntry => ({ ...snapshotOf(e, true), ...extra });
const known = (...rows: SnapshotEntry[]) => new Map(rows.map((r) => [r.locator, r]));
const summary = (actions: ReturnType<typeof diffPage>) => actions.map((a) => `${a.entry.locator}:${a.row ? a.row.pending ?? 'write' : '-'}:${a.event ?? '-'}`);

describe('diffPage', () => {
  it('marks a new object pending and reports it when the next pass sees it again', () => {
    const first = diffPage([file('a', 1, at(1)), file('b', 2, at(2))], known(row(file('a', 1, at(1)))), true);
    expect(summary(first)).toEqual(['a:-:-', 'b:add:-']);
    const second = diffPage([file('b', 2, at(2))], known(first[1].row!), true);
    expect(summary(second)).toEqual(['b:write:add']);
    expect(second[0].row!.pending).toBeNull();
  });

  it('reports a file whose size or modification time changed, once confirmed', () => {
    const first = diffPage([file('a', 5, at(1)), file('b', 2, at(9))], known(row(file('a', 1, at(1))), row(file('b', 2, at(2)))), true);
    expect(summary(first)).toEqual(['a:update:-', 'b:update:-']);
    // Still moving: stays pending with the newest values; then still: reported.
    const moving = diffPage([file('a', 6, at(1))], known(first[0].row!), true);
    expect(summary(moving)).toEqual(['a:update:-']);
    expect(summary(diffPage([file('a', 6, at(1))], known(moving[0].row!), true))).toEqual(['a:write:update']);
  });

  it("ignores a folder's own modification time, not a file that became a folder", () => {
    const d = diffPage([folder('f', at(5)), folder('x', at(1))], known(row(folder('f', at(1))), row(file('x', 3, at(1)))), true);
    expect(summary(d)).toEqual(['f:-:-', 'x:update:-']);
  });

  it('adopts the listing for a row an API write made, unless the size differs', () => {
    // S3 lists whole seconds of its own clock; the write answered something else.
    const written = row(file('a', 1, at(2)), { settled: false });
    expect(summary(diffPage([file('a', 1, at(3))], known(written), true))).toEqual(['a:write:-']);
    expect(summary(diffPage([file('a', 9, at(3))], known(written), true))).toEqual(['a:update:-']);
  });

  it('fills the snapshot without pending marks or events on the first pass', () => {
    const d = diffPage([file('a', 1, at(1)), file('b', 2, at(2))], known(row(file('a', 1, at(1)))), false);
    expect(summary(d)).toEqual(['a:-:-', 'b:write:-']);
  });

  it('a missing object is marked, then reported; one only pending as new just goes', () => {
    expect(missingAction(row(file('a', 1, at(1))), true)).toBe('mark');
    expect(missingAction(row(file('a', 1, at(1)), { pending: 'delete' }), true)).toBe('report');
    expect(missingAction(row(file('a', 1, at(1)), { pending: 'add' }), true)).toBe('drop');
    expect(missingAction(row(file('a', 1, at(1))), false)).toBe('drop');
    // Seen again after being marked: the mark goes, nothing is reported.
    expect(summary(diffPage([file('a', 1, at(1))], known(row(file('a', 1, at(1)), { pending: 'delete' })), true))).toEqual(['a:write:-']);
  });
});

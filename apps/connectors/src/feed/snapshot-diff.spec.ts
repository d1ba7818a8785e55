import type { Entry } from '../connectors/connector';
import { diffPage } from './snapshot-diff';
import { snapshotOf, type SnapshotEntry } from './snapshot-entry';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const file = (locator: string, size: number, modified: Date): Entry => ({ locator, parent: '', name: locator, kind: 'file', size, created: null, modified });
const folder = (locator: string, modified: Date): Entry => ({ locator, parent: '', name: locator, kind: 'folder', size: null, created: null, modified });
const known = (...entries: Entry[]) => new Map<string, SnapshotEntry>(entries.map((e) => [e.locator, snapshotOf(e, true)]));
const written = (e: Entry) => new Map<string, SnapshotEntry>([[e.locator, snapshotOf(e, false)]]);

describe('diffPage', () => {
  it('reports new objects as added and unchanged ones as same', () => {
    const d = diffPage([file('a', 1, at(1)), file('b', 2, at(2))], known(file('a', 1, at(1))));
    expect(d.added.map((e) => e.locator)).toEqual(['b']);
    expect(d.same.map((e) => e.locator)).toEqual(['a']);
    expect(d.changed).toEqual([]);
  });

  it('reports a file whose size or modification time changed', () => {
    const d = diffPage([file('a', 5, at(1)), file('b', 2, at(9))], known(file('a', 1, at(1)), file('b', 2, at(2))));
    expect(d.changed.map((e) => e.locator)).toEqual(['a', 'b']);
  });

  it("ignores a folder's own modification time, not a file that became a folder", () => {
    const d = diffPage([folder('f', at(5)), folder('x', at(1))], known(folder('f', at(1)), file('x', 3, at(1))));
    expect(d.same.map((e) => e.locator)).toEqual(['f']);
    expect(d.changed.map((e) => e.locator)).toEqual(['x']);
  });

  it('adopts the listing for a row a write through the API made, unless the size differs', () => {
    // S3 lists whole seconds of its own clock; the write answered something else.
    const adopted = diffPage([file('a', 1, at(3))], written(file('a', 1, at(2))));
    expect(adopted.adopted.map((e) => e.locator)).toEqual(['a']);
    expect(adopted.changed).toEqual([]);
    expect(diffPage([file('a', 9, at(3))], written(file('a', 1, at(2)))).changed.map((e) => e.locator)).toEqual(['a']);
  });
});

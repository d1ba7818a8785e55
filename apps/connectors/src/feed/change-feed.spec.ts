import { EVENT_CATALOG, encodeStorageId } from '@app/common';
import type { Entry } from '../connectors/connector';
import { eventOf, webhookOf, type Change } from './change-feed';

const entry = (path: string, kind: 'file' | 'folder' = 'file'): Entry => {
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  return { locator: path, parent, name: path.split('/').pop()!, kind, size: kind === 'file' ? 3 : null, created: null, modified: new Date('2026-01-01T00:00:00Z'), path };
};

describe('change feed events and their webhooks', () => {
  const cases: Array<[Change, string]> = [
    [{ type: 'add', entry: entry('a.txt'), source: 'external' }, 'file.uploaded'],
    [{ type: 'add', entry: entry('docs', 'folder'), source: 'api' }, 'folder.created'],
    [{ type: 'update', entry: entry('a.txt'), source: 'external' }, 'file.updated'],
    [{ type: 'delete', entry: entry('docs/a.txt'), source: 'api' }, 'file.deleted'],
    [{ type: 'move', before: entry('a.txt'), entry: entry('docs/a.txt'), source: 'api' }, 'file.moved'],
    [{ type: 'rename', before: entry('a.txt'), entry: entry('b.txt'), source: 'api' }, 'file.moved'],
  ];

  it.each(cases)('%o → %s, valid against the catalog', (change, type) => {
    const hook = webhookOf(change, 42)!;
    expect(hook.type).toBe(type);
    expect(EVENT_CATALOG[type as keyof typeof EVENT_CATALOG].schema.safeParse(hook.data).success).toBe(true);
  });

  it('names the object by its id (for a delete, the id it had) and carries its metadata', () => {
    const del = eventOf({ type: 'delete', entry: entry('docs/a.txt'), source: 'api' }, 42);
    expect(del).toMatchObject({ type: 'delete', objectId: encodeStorageId('docs/a.txt'), metadata: { id: encodeStorageId('docs/a.txt'), path: '/docs/a.txt', account: 42 } });
    const moved = webhookOf({ type: 'move', before: entry('a.txt'), entry: entry('docs/a.txt'), source: 'api' }, 42)!;
    expect(moved.data).toMatchObject({ change: 'move', file: { id: encodeStorageId('docs/a.txt') }, previous: { id: encodeStorageId('a.txt'), parent: { id: 'root' } } });
  });
});

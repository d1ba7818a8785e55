import { encodeStorageId, NotFoundError } from '@app/common';
import type { Connector, Entry, ListOptions } from '../connectors/connector';
import type { ChangeFeed } from '../feed/change-feed';
import type { AccountConnectors } from './account-connectors';
import { FileAttachments } from './file-attachments';
import { StorageService } from './storage.service';

/** A folder of `n` files listed through cursors, counting list calls. */
function pagedConnector(n: number) {
  const entries: Entry[] = Array.from({ length: n }, (_, i) => ({
    locator: `f${String(i).padStart(3, '0')}`, parent: '', name: `f${String(i).padStart(3, '0')}`, kind: 'file', size: i, created: null, modified: null,
  }));
  const calls: (string | null | undefined)[] = [];
  const connector = {
    list: async (_folder: string, o: ListOptions) => {
      calls.push(o.cursor);
      const start = o.cursor ? Number(o.cursor) : 0;
      const end = start + o.pageSize;
      return { items: entries.slice(start, end), next: end < n ? String(end) : null };
    },
  } as unknown as Connector;
  return { connector, calls };
}

describe('StorageService.listFolder paging', () => {
  const meta = { requestId: 'r', appId: 'a', accountId: 7 };
  const make = (connector: Connector) => new StorageService({ get: async () => connector } as unknown as AccountConnectors, {} as FileAttachments, {} as ChangeFeed);
  const list = (s: StorageService, page: number, pageSize = 2) => s.listFolder(meta, { folderId: 'root', page, pageSize, rawData: false });

  it('numbers pages for Kloudless clients and ends with next_page null', async () => {
    const { connector } = pagedConnector(5);
    const s = make(connector);
    const pages = [await list(s, 1), await list(s, 2), await list(s, 3)];
    expect(pages.map((p) => [p.page, p.count, p.next_page])).toEqual([[1, 2, 2], [2, 2, 3], [3, 1, null]]);
    expect(pages.flatMap((p) => p.objects.map((o) => o.id))).toEqual(['f000', 'f001', 'f002', 'f003', 'f004'].map(encodeStorageId));
  });

  it('serves page N from the remembered cursor without re-walking', async () => {
    const { connector, calls } = pagedConnector(6);
    const s = make(connector);
    await list(s, 1);
    await list(s, 2);
    calls.length = 0;
    await list(s, 3);
    expect(calls).toEqual(['4']);
  });

  it('walks from the start when page N is asked cold', async () => {
    const { connector, calls } = pagedConnector(6);
    const page = await list(make(connector), 3);
    expect(page.objects.map((o) => o.name)).toEqual(['f004', 'f005']);
    expect(calls).toEqual([null, '2', '4']);
  });

  it('answers not_found past the last page', async () => {
    const { connector } = pagedConnector(3);
    await expect(list(make(connector), 5)).rejects.toBeInstanceOf(NotFoundError);
  });
});

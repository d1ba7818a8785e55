import { has, type Connector, type Entry, type Page } from '../connectors/connector';

const MAX_SCANNED = 20_000;

/**
 * Name search below a folder: the connector's own when it has one, else a
 * breadth-first walk matching names case-insensitively, bounded to
 * MAX_SCANNED entries so one call cannot walk a huge tree.
 */
export async function searchNames(connector: Connector, folder: string, query: string, limit: number): Promise<Entry[]> {
  if (has(connector, 'search')) {
    const found: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Entry> = await connector.search(folder, query, { pageSize: Math.min(limit, 1000), cursor });
      found.push(...page.items);
      cursor = page.next;
    } while (cursor && found.length < limit);
    return found.slice(0, limit);
  }
  const needle = query.toLowerCase();
  const found: Entry[] = [];
  const queue = [folder];
  let scanned = 0;
  while (queue.length && found.length < limit && scanned < MAX_SCANNED) {
    const current = queue.shift()!;
    let cursor: string | null = null;
    do {
      const page: Page<Entry> = await connector.list(current, { pageSize: 1000, cursor });
      for (const entry of page.items) {
        scanned++;
        if (entry.name.toLowerCase().includes(needle)) found.push(entry);
        if (entry.kind === 'folder') queue.push(entry.locator);
      }
      cursor = page.next;
    } while (cursor && scanned < MAX_SCANNED);
  }
  return found.slice(0, limit);
}

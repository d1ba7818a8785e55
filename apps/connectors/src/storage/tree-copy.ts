import { has, type Connector, type Entry, type Locator } from '../connectors/connector';

/**
 * Copies a file or a folder tree inside one account, as `name` in `toFolder`:
 * server-side when the connector can, else by streaming each file through this
 * process (never buffered whole).
 */
export async function copyTree(connector: Connector, from: Entry, toFolder: Locator, name: string): Promise<Entry> {
  if (has(connector, 'copy')) return connector.copy(from.locator, toFolder, name);
  if (from.kind === 'file') {
    const source = await connector.read(from.locator);
    return connector.write(toFolder, name, source.stream, { size: source.size, mimeType: source.mimeType });
  }
  const created = await connector.mkdir(toFolder, name);
  let cursor: string | null = null;
  do {
    const page = await connector.list(from.locator, { pageSize: 500, cursor });
    for (const child of page.items) await copyTree(connector, child, created.locator, child.name);
    cursor = page.next;
  } while (cursor);
  return created;
}

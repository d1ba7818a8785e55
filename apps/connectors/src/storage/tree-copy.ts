import { joinPath } from '@app/common';
import { has, type Connector, type Entry } from '../connectors/connector';

/**
 * Copies a file or a folder tree inside one account: server-side when the
 * connector can, else by streaming each file through this process (never
 * buffered whole).
 */
export async function copyTree(connector: Connector, from: Entry, to: string): Promise<Entry> {
  if (has(connector, 'copy')) return connector.copy(from.path, to);
  if (from.kind === 'file') {
    const source = await connector.read(from.path);
    return connector.write(to, source.stream, { size: source.size, mimeType: source.mimeType });
  }
  const created = await connector.mkdir(to);
  let cursor: string | null = null;
  do {
    const page = await connector.list(from.path, { pageSize: 500, cursor });
    for (const child of page.items) await copyTree(connector, child, joinPath(to, child.name));
    cursor = page.next;
  } while (cursor);
  return created;
}

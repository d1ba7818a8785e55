import { Injectable } from '@nestjs/common';
import { baseName, InvalidParametersError, joinPath, type MessageMeta, type PublicStorageObject } from '@app/common';
import type { Connector, Entry } from '../connectors/connector';
import { AccountConnectors } from '../storage/account-connectors';
import { assertFree, entryOf, parentFolder, statOrNull } from '../storage/object-paths';
import { toStorageObject } from '../storage/storage.mapper';
import { FileEvents } from '../storage/upload-events';
import { countedStream } from './counted-stream';

export interface FolderCopyRequest {
  source: { accountId: number; folderId: string };
  destination: { accountId: number; parentId: string; name?: string };
  rawData: boolean;
  /** A re-run of an interrupted task: the target may exist; files already there at their size are kept. */
  resume: boolean;
}

/** Files in one folder copy at most (the walk is held in memory to know the total). */
const MAX_ENTRIES = 100_000;

/**
 * A folder tree copied into another account: walked first (so progress has a
 * total), then folders created and each file streamed source → destination in
 * this process. Re-running after a crash (`resume`) keeps what is already
 * there at the right size, so no finished file is copied twice.
 */
@Injectable()
export class FolderCopyService {
  constructor(private readonly accounts: AccountConnectors, private readonly events: FileEvents) {}

  async copy(meta: Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>, input: FolderCopyRequest, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<PublicStorageObject> {
    const [from, to] = await this.accounts.both(meta, input.source.accountId, input.destination.accountId);
    const root = await entryOf(from, input.source.folderId, 'folder');
    const target = joinPath(await parentFolder(to, input.destination.parentId), input.destination.name ?? (baseName(root.path) || 'root'));
    if (!input.resume) await assertFree(to, target);
    const entries = await walk(from, root, signal);
    const total = entries.reduce((n, e) => n + (e.kind === 'file' ? e.size ?? 0 : 0), 0);
    let done = 0;
    onProgress(0, total);
    const copied = await ensureFolder(to, target);
    for (const entry of entries) {
      if (signal.aborted) throw new Error('The copy was cancelled.');
      const path = entry.path.slice(root.path === '' ? 0 : root.path.length + 1).split('/').reduce(joinPath, target);
      if (entry.kind === 'folder') {
        await ensureFolder(to, path);
        onProgress(done, total);
        continue;
      }
      const existing = input.resume ? await statOrNull(to, path) : null;
      if (!(existing?.kind === 'file' && existing.size === entry.size)) {
        const read = await from.read(entry.path);
        const before = done;
        const { stream, release } = countedStream(read.stream, (n) => onProgress(before + n, total), signal, 'The copy was cancelled.');
        try {
          const written = await to.write(path, stream, { size: entry.size ?? undefined, mimeType: entry.mimeType });
          const client = await this.accounts.serviceOf({ ...meta, accountId: input.source.accountId }, input.source.accountId);
          await this.events.uploaded({ ...meta, accountId: input.destination.accountId }, toStorageObject(written, input.destination.accountId, { rawData: false }), { source: 'transfer', client });
        } finally {
          release();
        }
      }
      done += entry.size ?? 0;
      onProgress(done, total);
    }
    return toStorageObject(copied, input.destination.accountId, { rawData: input.rawData });
  }
}

/** Every folder and file below `root`, parents before children. */
async function walk(connector: Connector, root: Entry, signal: AbortSignal): Promise<Entry[]> {
  const out: Entry[] = [];
  const folders = [root.path];
  while (folders.length > 0) {
    const folder = folders.shift()!;
    let cursor: string | null = null;
    do {
      if (signal.aborted) throw new Error('The copy was cancelled.');
      const page = await connector.list(folder, { pageSize: 1000, cursor });
      for (const item of page.items) {
        out.push(item);
        if (item.kind === 'folder') folders.push(item.path);
      }
      if (out.length > MAX_ENTRIES) throw new InvalidParametersError(`The folder holds more than ${MAX_ENTRIES} entries; copy its subfolders one by one.`);
      cursor = page.next;
    } while (cursor);
  }
  return out;
}

async function ensureFolder(connector: Connector, path: string): Promise<Entry> {
  const existing = await statOrNull(connector, path);
  if (existing?.kind === 'folder') return existing;
  return connector.mkdir(path);
}

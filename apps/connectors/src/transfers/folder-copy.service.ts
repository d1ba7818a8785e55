import { Injectable } from '@nestjs/common';
import { InvalidParametersError, type MessageMeta, type PublicStorageObject } from '@app/common';
import type { Connector, Entry, Locator } from '../connectors/connector';
import { AccountConnectors } from '../storage/account-connectors';
import { assertFree, checkName, entryOf, parentFolder } from '../storage/object-paths';
import { toStorageObject } from '../storage/storage.mapper';
import { ChangeFeed } from '../feed/change-feed';
import { FileEvents } from '../storage/upload-events';
import { CopyDigests } from './copy-digests';
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
  constructor(private readonly accounts: AccountConnectors, private readonly events: FileEvents, private readonly feed: ChangeFeed) {}

  async copy(meta: Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>, input: FolderCopyRequest, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<PublicStorageObject> {
    const [from, to] = await this.accounts.both(meta, input.source.accountId, input.destination.accountId);
    const root = await entryOf(from, input.source.folderId, 'folder');
    const parent = await parentFolder(to, input.destination.parentId);
    const name = checkName(input.destination.name ?? (root.name || 'root'));
    if (!input.resume) await assertFree(to, parent, name);
    const entries = await walk(from, root, signal);
    const total = entries.reduce((n, { entry }) => n + (entry.kind === 'file' ? entry.size ?? 0 : 0), 0);
    let done = 0;
    onProgress(0, total);
    const destination = { ...meta, accountId: input.destination.accountId };
    // Folders made here go into the destination's change feed (files do through events.uploaded).
    const folderIn = async (folder: Locator, folderName: string) => {
      const { entry, made } = await ensureFolder(to, folder, folderName);
      if (made) await this.feed.added(destination, input.destination.accountId, entry, 'copy');
      return entry;
    };
    const copied = await folderIn(parent, name);
    // Source folder → its copy; the walk lists parents before children.
    const copies = new Map<Locator, Locator>([[root.locator, copied.locator]]);
    for (const { entry, folder } of entries) {
      if (signal.aborted) throw new Error('The copy was cancelled.');
      const into = copies.get(folder)!;
      if (entry.kind === 'folder') {
        copies.set(entry.locator, (await folderIn(into, entry.name)).locator);
        onProgress(done, total);
        continue;
      }
      const existing = input.resume ? await to.lookup(into, entry.name) : null;
      if (!(existing?.kind === 'file' && existing.size === entry.size)) {
        const read = await from.read(entry.locator);
        const before = done;
        const digests = new CopyDigests();
        const { stream, release } = countedStream(read.stream, (n) => onProgress(before + n, total), signal, 'The copy was cancelled.', digests);
        try {
          const written = await to.write(into, entry.name, stream, { size: entry.size ?? undefined, mimeType: entry.mimeType });
          await digests.verify(to, written);
          const client = await this.accounts.serviceOf({ ...meta, accountId: input.source.accountId }, input.source.accountId);
          await this.events.uploaded(destination, toStorageObject(written, input.destination.accountId, { rawData: false }), { source: 'transfer', client });
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

/** Every folder and file below `root` with the folder it was listed in, parents before children. */
async function walk(connector: Connector, root: Entry, signal: AbortSignal): Promise<{ entry: Entry; folder: Locator }[]> {
  const out: { entry: Entry; folder: Locator }[] = [];
  const folders = [root.locator];
  while (folders.length > 0) {
    const folder = folders.shift()!;
    let cursor: string | null = null;
    do {
      if (signal.aborted) throw new Error('The copy was cancelled.');
      const page = await connector.list(folder, { pageSize: 1000, cursor });
      for (const entry of page.items) {
        out.push({ entry, folder });
        if (entry.kind === 'folder') folders.push(entry.locator);
      }
      if (out.length > MAX_ENTRIES) throw new InvalidParametersError(`The folder holds more than ${MAX_ENTRIES} entries; copy its subfolders one by one.`);
      cursor = page.next;
    } while (cursor);
  }
  return out;
}

/** The folder `name` in `folder`, made unless it is there (a resumed copy); `made` says which. */
async function ensureFolder(connector: Connector, folder: Locator, name: string): Promise<{ entry: Entry; made: boolean }> {
  const existing = await connector.lookup(folder, name);
  if (existing?.kind === 'folder') return { entry: existing, made: false };
  return { entry: await connector.mkdir(folder, name), made: true };
}

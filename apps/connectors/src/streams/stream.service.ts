import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { AppError, bytesStreamed, InvalidRangeError, type MessageMeta, type PublicStorageObject, type UploadTags } from '@app/common';
import type { ReadResult } from '../connectors/connector';
import { AccountConnectors } from '../storage/account-connectors';
import { checkName, entryOf, freeName, parentFolder } from '../storage/object-paths';
import { toStorageObject, withTags } from '../storage/storage.mapper';
import { FileEvents } from '../storage/upload-events';
import { parseRange } from './range-header';

/** The byte side of the storage API: downloads and uploads as streams, never held whole. */
@Injectable()
export class StreamService {
  constructor(private readonly accounts: AccountConnectors, private readonly events: FileEvents) {}

  /** @returns the stream and, for a Range request, the bounds served. */
  async download(meta: MessageMeta & { accountId: number }, fileId: string, rangeHeader: string | undefined): Promise<ReadResult & { range?: { start: number; end: number } }> {
    const connector = await this.accounts.get(meta, meta.accountId);
    const entry = await entryOf(connector, fileId, 'file');
    const range = await parseRange(rangeHeader, async () => entry.size ?? 0);
    if (range === 'unsatisfiable') throw new InvalidRangeError();
    if (range && entry.size !== null && range.start >= entry.size) throw new InvalidRangeError(`The range starts at byte ${range.start} but the file has ${entry.size} bytes.`);
    const result = await connector.read(entry.locator, range);
    // counted when the stream ends: a 'data' listener here would start the flow before the caller pipes it
    result.stream.once('end', () => bytesStreamed.inc({ direction: 'download' }, result.contentLength));
    if (!range) return result;
    return { ...result, range: { start: range.start, end: range.start + result.contentLength - 1 } };
  }

  /** POST storage/files: overwrite=true replaces; false and a clash saves under a free name. */
  async upload(
    meta: MessageMeta & { accountId: number },
    input: { parentId: string; name: string; overwrite: boolean; size?: number; mimeType?: string; rawData: boolean; announce?: boolean; tags?: UploadTags },
    body: Readable,
  ): Promise<PublicStorageObject> {
    const connector = await this.accounts.get(meta, meta.accountId);
    const folder = await parentFolder(connector, input.parentId);
    const existing = await connector.lookup(folder, checkName(input.name));
    if (existing?.kind === 'folder' && input.overwrite) {
      throw new AppError('naming_conflict', `"${input.name}" is a folder.`, { conflictingResourceId: toStorageObject(existing, meta.accountId, { rawData: false }).id });
    }
    const name = existing && !input.overwrite ? await freeName(connector, folder, input.name) : input.name;
    const entry = await connector.write(folder, name, body, { size: input.size, mimeType: input.mimeType });
    bytesStreamed.inc({ direction: 'upload' }, entry.size ?? 0);
    const file = withTags(toStorageObject(entry, meta.accountId, input), input.tags);
    if (input.announce !== false) await this.events.uploaded(meta, file, { tags: input.tags });
    return file;
  }

  /** PUT storage/files/{id}: replaces the contents of an existing file. */
  async replace(meta: MessageMeta & { accountId: number }, fileId: string, input: { size?: number; mimeType?: string; rawData: boolean }, body: Readable): Promise<PublicStorageObject> {
    const connector = await this.accounts.get(meta, meta.accountId);
    const entry = await entryOf(connector, fileId, 'file');
    // Writing its name in its folder replaces its content (the contract's write).
    const written = await connector.write(entry.parent ?? '', entry.name, body, { size: input.size, mimeType: input.mimeType });
    bytesStreamed.inc({ direction: 'upload' }, written.size ?? 0);
    const file = toStorageObject(written, meta.accountId, input);
    await this.events.uploaded(meta, file);
    return file;
  }
}


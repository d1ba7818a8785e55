import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { AppError, bytesStreamed, decodeStorageId, InvalidRangeError, NotFoundError, type MessageMeta, type PublicStorageObject, type UploadTags } from '@app/common';
import type { ReadResult } from '../connectors/connector';
import { AccountConnectors } from '../storage/account-connectors';
import { checkName, entryOf, freeName } from '../storage/object-paths';
import { toStorageObject, withTags } from '../storage/storage.mapper';
import { FileEvents } from '../storage/upload-events';
import { parseRange } from './range-header';

/** The byte side of the storage API: downloads and uploads as streams, never held whole. */
@Injectable()
export class StreamService {
  constructor(private readonly accounts: AccountConnectors, private readonly events: FileEvents) {}

  /**
   * One upstream call: read() answers NotFound for a missing file or a folder,
   * InvalidRange for a range past the end, and the size with the bytes. Only a
   * suffix range (`bytes=-N`) needs the size first.
   * @returns the stream and, for a Range request, the bounds served.
   */
  async download(meta: MessageMeta & { accountId: number }, fileId: string, rangeHeader: string | undefined): Promise<ReadResult & { range?: { start: number; end: number } }> {
    const connector = await this.accounts.get(meta, meta.accountId);
    const range = await parseRange(rangeHeader, async () => (await entryOf(connector, fileId, 'file')).size ?? 0);
    if (range === 'unsatisfiable') throw new InvalidRangeError();
    const result = await connector.read(decodeStorageId(fileId), range);
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
    // No separate check of the folder: a missing one shows in the lookup (id-addressed) or the write, before any byte is read.
    const folder = decodeStorageId(input.parentId);
    const missingFolder = (err: unknown): never => {
      if (err instanceof NotFoundError) throw new AppError('invalid_parent_folder', `The parent folder "${input.parentId}" does not exist.`);
      throw err;
    };
    const existing = await connector.lookup(folder, checkName(input.name)).catch(missingFolder);
    if (existing?.kind === 'folder' && input.overwrite) {
      throw new AppError('naming_conflict', `"${input.name}" is a folder.`, { conflictingResourceId: toStorageObject(existing, meta.accountId, { rawData: false }).id });
    }
    const name = existing && !input.overwrite ? await freeName(connector, folder, input.name) : input.name;
    const entry = await connector.write(folder, name, body, { size: input.size, mimeType: input.mimeType }).catch(missingFolder);
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


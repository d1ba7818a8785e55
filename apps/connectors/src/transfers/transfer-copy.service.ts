import { Injectable } from '@nestjs/common';
import { type MessageMeta, type PublicStorageObject, type UploadTags } from '@app/common';
import { AccountConnectors } from '../storage/account-connectors';
import { assertFree, checkName, entryOf, parentFolder } from '../storage/object-paths';
import { toStorageObject, withTags } from '../storage/storage.mapper';
import { FileEvents } from '../storage/upload-events';
import { CopyDigests } from './copy-digests';
import { countedStream } from './counted-stream';

export interface CopyRequest {
  source: { accountId: number; fileId: string };
  destination: { accountId: number; parentId: string; name?: string };
  rawData: boolean;
  tags?: UploadTags;
}

/**
 * A file copied from one account to another of the same app, streamed inside
 * this process: a ranged-read-free pipe from the source connector to the
 * destination's write, with back-pressure, so memory stays flat whatever the
 * size. `onProgress` hears the bytes copied so far; `signal` aborts the copy,
 * and an aborted write never becomes visible (connectors write to a temp name
 * or a multipart upload that is only committed at the end).
 */
@Injectable()
export class TransferCopyService {
  constructor(private readonly accounts: AccountConnectors, private readonly events: FileEvents) {}

  async copyFile(meta: Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>, input: CopyRequest, onProgress: (done: number, total: number | null) => void, signal: AbortSignal): Promise<PublicStorageObject> {
    const [from, to] = await this.accounts.both(meta, input.source.accountId, input.destination.accountId);
    const entry = await entryOf(from, input.source.fileId, 'file');
    const folder = await parentFolder(to, input.destination.parentId);
    const name = checkName(input.destination.name ?? entry.name);
    await assertFree(to, folder, name);
    onProgress(0, entry.size);
    const read = await from.read(entry.locator);
    const digests = new CopyDigests();
    const { stream, release } = countedStream(read.stream, (done) => onProgress(done, entry.size), signal, 'The copy was cancelled.', digests);
    try {
      const written = await to.write(folder, name, stream, { size: entry.size ?? undefined, mimeType: entry.mimeType });
      await digests.verify(to, written);
      const file = withTags(toStorageObject(written, input.destination.accountId, { rawData: input.rawData }), input.tags);
      const client = await this.accounts.serviceOf({ ...meta, accountId: input.source.accountId }, input.source.accountId);
      await this.events.uploaded({ ...meta, accountId: input.destination.accountId }, file, { source: 'transfer', client, tags: input.tags });
      return file;
    } finally {
      release();
    }
  }
}

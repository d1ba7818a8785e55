import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  InvalidParametersError,
  UnsupportedError,
  type AbortPartsRequest,
  type CompletePartsRequest,
  type CopyPartRequest,
  type MessageMeta,
  type PartReceiptJson,
  type PreparedParts,
  type PreparePartsRequest,
  type PublicStorageObject,
} from '@app/common';
import { has, type ChunkWriter } from '../connectors/connector';
import { verifyPart } from '../connectors/parts';
import { AccountConnectors } from '../storage/account-connectors';
import { assertFree, checkName, entryOf, parentFolder, targetKey, targetOf } from '../storage/object-paths';
import { countedStream } from './counted-stream';
import { toStorageObject, withTags } from '../storage/storage.mapper';
import { FileEvents } from '../storage/upload-events';

type Meta = Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>;

/**
 * The byte side of a chunked copy: the transfer service plans parts and calls
 * these one at a time; each part is a ranged read of the source piped into
 * one part write of the destination, inside this process. The upload is
 * reopened from its state for every part, so any connectors instance (or this
 * one after a restart) can take any part, and credentials are fetched again
 * when the cached ones expire.
 */
@Injectable()
export class TransferPartsService {
  constructor(private readonly accounts: AccountConnectors, private readonly events: FileEvents) {}

  async prepare(meta: Meta, input: PreparePartsRequest): Promise<PreparedParts> {
    const [from, to] = await this.accounts.both(meta, input.source.accountId, input.destination.accountId);
    const entry = await entryOf(from, input.source.fileId, 'file');
    const folder = await parentFolder(to, input.destination.parentId);
    const name = checkName(input.destination.name ?? entry.name);
    await assertFree(to, folder, name);
    const target = targetKey(folder, name);
    const size = entry.size ?? 0;
    const source = { path: entry.locator, size, ...(entry.mimeType ? { mimeType: entry.mimeType } : {}) };
    if (entry.size === null || size <= input.chunkAbove || !has(to, 'openChunkWriter')) return { source, target, upload: null };
    const writer = await to.openChunkWriter(folder, name, { size, uploadKey: input.uploadKey });
    const f = to.features;
    return {
      source,
      target,
      upload: {
        state: writer.state,
        limits: { minPartSize: f.minPartSize ?? 1, maxPartSize: f.maxPartSize ?? Number.MAX_SAFE_INTEGER, maxParts: f.maxParts ?? Number.MAX_SAFE_INTEGER },
      },
    };
  }

  async copyPart(meta: Meta, input: CopyPartRequest, onProgress: (done: number) => void, signal: AbortSignal): Promise<PartReceiptJson> {
    const { part } = input;
    const [from, writer] = await Promise.all([
      this.accounts.get({ ...meta, accountId: input.source.accountId }, input.source.accountId),
      this.writerOf(meta, input.destination, input.upload),
    ]);
    const read = await from.read(input.source.path, { start: part.offset, end: part.offset + part.size - 1 });
    if (read.contentLength !== part.size) {
      read.stream.destroy();
      throw new InvalidParametersError(`The source gave ${read.contentLength} bytes for a part of ${part.size} (did it change?).`);
    }
    const md5 = createHash('md5');
    const { stream, release } = countedStream(read.stream, onProgress, signal, 'The part was cancelled.', md5);
    try {
      const receipt = await writer.writePart(part, stream);
      verifyPart(part, receipt, md5.digest('hex'));
      return receipt;
    } finally {
      release();
    }
  }

  async complete(meta: Meta, input: CompletePartsRequest): Promise<PublicStorageObject> {
    const writer = await this.writerOf(meta, input.destination, input.upload);
    const entry = await writer.complete(input.parts);
    if (entry.size !== null && entry.size !== input.destination.size) {
      throw new InvalidParametersError(`The copy has ${entry.size} bytes, the source ${input.destination.size}.`);
    }
    const file = withTags(toStorageObject(entry, input.destination.accountId, { rawData: input.rawData }), input.tags);
    const client = input.sourceAccountId === undefined ? undefined : await this.accounts.serviceOf({ ...meta, accountId: input.sourceAccountId }, input.sourceAccountId);
    await this.events.uploaded({ ...meta, accountId: input.destination.accountId }, file, { source: 'transfer', client, tags: input.tags });
    return file;
  }

  async abort(meta: Meta, input: AbortPartsRequest): Promise<{ aborted: true }> {
    await (await this.writerOf(meta, input.destination, input.upload)).abort();
    return { aborted: true };
  }

  private async writerOf(meta: Meta, destination: CopyPartRequest['destination'], state: CopyPartRequest['upload']): Promise<ChunkWriter> {
    const to = await this.accounts.get({ ...meta, accountId: destination.accountId }, destination.accountId);
    if (!has(to, 'openChunkWriter')) throw new UnsupportedError('This service does not take chunked uploads.');
    const { folder, name } = targetOf(destination.path);
    return to.openChunkWriter(folder, name, { size: destination.size, resume: state });
  }
}

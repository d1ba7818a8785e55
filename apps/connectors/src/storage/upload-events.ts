import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_PUBLISHER,
  EventPublisher,
  FILE_DELETED,
  FILE_UPLOADED,
  type FileDeletedData,
  type FileUploadedData,
  type MessageMeta,
  type PublicStorageObject,
  type UploadSource,
  type UploadTags,
} from '@app/common';

/** The file events connectors publish, for webhooks and anyone else listening. */
@Injectable()
export class FileEvents {
  constructor(@Inject(EVENT_PUBLISHER) private readonly events: EventPublisher) {}

  /** `how`: where the bytes came from (default: sent by the app through the API) and the upload's tags. */
  async uploaded(meta: MessageMeta, file: PublicStorageObject, how: { source?: UploadSource; client?: string; tags?: UploadTags } = {}): Promise<void> {
    const { upload_tags: _shown, ...plain } = file;
    await this.events.publish<FileUploadedData>(FILE_UPLOADED, meta, file.account, {
      account: file.account,
      file: plain,
      client: how.client ?? 'computer',
      source: how.source ?? 'api',
      upload_tags: how.tags ?? {},
    });
  }

  async deleted(meta: MessageMeta, file: Pick<PublicStorageObject, 'id' | 'name' | 'path' | 'type' | 'account'>): Promise<void> {
    const { account, ...rest } = file;
    await this.events.publish<FileDeletedData>(FILE_DELETED, meta, account, { account, file: rest });
  }
}

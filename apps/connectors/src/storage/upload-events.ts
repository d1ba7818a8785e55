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
} from '@app/common';

/** The file events connectors publish, for webhooks and anyone else listening. */
@Injectable()
export class FileEvents {
  constructor(@Inject(EVENT_PUBLISHER) private readonly events: EventPublisher) {}

  async uploaded(meta: MessageMeta, file: PublicStorageObject): Promise<void> {
    await this.events.publish<FileUploadedData>(FILE_UPLOADED, meta, file.account, {
      account: file.account,
      file,
      client: 'computer',
      source: 'api',
      upload_tags: {},
    });
  }

  async deleted(meta: MessageMeta, file: Pick<PublicStorageObject, 'id' | 'name' | 'path' | 'type' | 'account'>): Promise<void> {
    const { account, ...rest } = file;
    await this.events.publish<FileDeletedData>(FILE_DELETED, meta, account, { account, file: rest });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_PUBLISHER,
  EventPublisher,
  FILE_UPLOADED,
  type FileUploadedData,
  type MessageMeta,
  type PublicStorageObject,
  type UploadSource,
  type UploadTags,
} from '@app/common';
import { ChangeFeed } from '../feed/change-feed';

/** The file events connectors publish, for webhooks and anyone else listening; uploads also go into the account's change feed. */
@Injectable()
export class FileEvents {
  constructor(@Inject(EVENT_PUBLISHER) private readonly events: EventPublisher, private readonly feed: ChangeFeed) {}

  /** `how`: where the bytes came from (default: sent by the app through the API) and the upload's tags. */
  async uploaded(meta: MessageMeta, file: PublicStorageObject, how: { source?: UploadSource; client?: string; tags?: UploadTags } = {}): Promise<void> {
    const { upload_tags: _shown, ...plain } = file;
    await this.feed.uploaded(meta, plain);
    await this.events.publish<FileUploadedData>(FILE_UPLOADED, meta, file.account, {
      account: file.account,
      file: plain,
      client: how.client ?? 'computer',
      source: how.source ?? 'api',
      upload_tags: how.tags ?? {},
    });
  }
}

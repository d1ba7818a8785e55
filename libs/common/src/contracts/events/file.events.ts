import { z } from 'zod';
import type { PublicStorageObject } from '../public-objects';
import { TOPICS } from '../topics';
import type { UploadTags } from '../transfer/upload-tags';

export const FILE_UPLOADED = TOPICS.events.fileUploaded;
export const FILE_DELETED = TOPICS.events.fileDeleted;

/** Upload tags as they appear in events (the validation of what callers send is `uploadTags`). */
export { uploadTagsRecord as uploadTagsSchema } from '../transfer/upload-tags';

/** How the bytes arrived: through the API, a presigned URL, fetched from a URL, or copied by a task. */
export const UPLOAD_SOURCES = ['api', 'presigned', 'url', 'transfer'] as const;
export type UploadSource = (typeof UPLOAD_SOURCES)[number];

export interface FileUploadedData {
  /** The account the file now lives in. */
  account: number;
  file: PublicStorageObject;
  /**
   * The storage service the file came from, like Filestack's `client` field:
   * the source account's service for a copy (`dropbox`, `s3`…), `url` for an
   * upload from a URL, `computer` for bytes sent by the app itself.
   */
  client: string;
  source: UploadSource;
  /** The upload's tags, exactly as given (empty object when none). */
  upload_tags: UploadTags;
  /** Set when the upload was a task (copy, upload from URL). */
  task_id?: string;
}

export interface FileDeletedData {
  account: number;
  file: Pick<PublicStorageObject, 'id' | 'name' | 'path' | 'type'>;
}

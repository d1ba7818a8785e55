import { z } from 'zod';
import type { PublicStorageObject } from '../public-objects';
import { TOPICS } from '../topics';

export const FILE_UPLOADED = TOPICS.events.fileUploaded;
export const FILE_DELETED = TOPICS.events.fileDeleted;

/**
 * Upload tags (seed 004): string → string, at most 10 per upload, keys up to
 * 128 characters (unique, case sensitive), values up to 256. Returned exactly
 * as given, in the upload response and in the `file.uploaded` webhook.
 */
export const uploadTagsSchema = z
  .record(z.string().min(1).max(128, 'upload tag keys are at most 128 characters'), z.string().max(256, 'upload tag values are at most 256 characters'))
  .refine((tags) => Object.keys(tags).length <= 10, 'at most 10 upload tags per upload');
export type UploadTags = z.infer<typeof uploadTagsSchema>;

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

import { z } from 'zod';
import type { PublicStorageObject } from '../public-objects';
import { TOPICS } from '../topics';
import type { UploadTags } from '../transfer/upload-tags';

export const FILE_UPLOADED = TOPICS.events.fileUploaded;
export const FILE_DELETED = TOPICS.events.fileDeleted;
export const FILE_MOVED = TOPICS.events.fileMoved;
export const FILE_UPDATED = TOPICS.events.fileUpdated;
export const FOLDER_CREATED = TOPICS.events.folderCreated;

/** Upload tags as they appear in events (the validation of what callers send is `uploadTags`). */
export { uploadTagsRecord as uploadTagsSchema } from '../transfer/upload-tags';

/**
 * How the bytes arrived: through the API, a presigned URL, fetched from a URL,
 * copied by a task, copied within the account (`copy`), or written to the
 * storage outside our API and found by the change-feed scan (`external`).
 */
export const UPLOAD_SOURCES = ['api', 'presigned', 'url', 'transfer', 'copy', 'external'] as const;
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
  /** `api`: through our API; `external`: found by the change-feed scan. */
  source?: 'api' | 'external';
}

/** Where an object was before a move or rename (its id changes with it on path-addressed services). */
export interface PreviousLocation {
  id: string;
  name: string;
  path: string | null;
  parent: { id: string } | null;
}

export interface FileMovedData {
  account: number;
  /** The file or folder as it is now. */
  file: PublicStorageObject;
  previous: PreviousLocation;
  /** `rename` (same folder), `move` (another folder; a new name too, possibly). */
  change: 'move' | 'rename';
  /** `api`: through our API; `external`: found by the change-feed scan. */
  source: 'api' | 'external';
}

export interface FileUpdatedData {
  account: number;
  file: PublicStorageObject;
  source: 'api' | 'external';
}

export interface FolderCreatedData {
  account: number;
  folder: PublicStorageObject;
  source: 'api' | 'copy' | 'external';
}

/** Internal (webhooks → connectors, not subscribable): whether an app has an active webhook that wants file events. */
export const SUBSCRIPTION_WATCH_CHANGED = TOPICS.events.subscriptionWatchChanged;
export interface SubscriptionWatchChangedData {
  /** The app has at least one active webhook subscribed to `*` or to a `file.*`/`folder.*` event. */
  watching: boolean;
}

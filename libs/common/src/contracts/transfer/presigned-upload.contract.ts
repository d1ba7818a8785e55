import { z } from 'zod';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList } from '../public-objects';
import { TOPICS } from '../topics';
import { uploadTags, type UploadTags } from './upload-tags';

/** Where a file ingested by the platform is (seed 004): URL issued, bytes arriving, registered. */
export const UPLOAD_STATUSES = ['Started', 'In Transit', 'Complete'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** A file of the presigned-upload API (seed 001), in that API's camelCase. */
export interface PublicUploadRecord {
  id: string;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  tags: UploadTags;
  status: UploadStatus;
  accountId: number;
  folderId: string;
  /** The storage API id of the object in its account. */
  fileId: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

const id = z.string().uuid('file id must be a UUID');

export const PresignedUploadCreate = defineContract<PublicUploadRecord>()(
  TOPICS.transfer.presignedUploadCreate,
  z.object({
    id,
    key: z.string().min(1).max(1024),
    filename: z.string().min(1).max(255),
    contentType: z.string().min(1).max(255),
    size: z.number().int().positive(),
    tags: uploadTags.default({}),
    accountId: z.number().int().positive(),
    folderId: z.string().min(1).max(4096),
    fileId: z.string().min(1).max(8192),
    expiresAt: z.string().datetime(),
  }),
);

/** By id, or by key (POST /v1/files registers by key). */
export const PresignedUploadGet = defineContract<PublicUploadRecord>()(
  TOPICS.transfer.presignedUploadGet,
  z.union([z.object({ id }), z.object({ key: z.string().min(1).max(1024) })]),
);

export const PresignedUploadList = defineContract<ObjectList<PublicUploadRecord>>()(TOPICS.transfer.presignedUploadList, pagingSchema);

/**
 * Moves a record on: `In Transit` while bytes stream through the gateway,
 * `Complete` when registered. Completing one that is complete is 409
 * file/s3-key-already-exists; bytes for one that is complete or expired are
 * 403 file/access-denied.
 */
export const PresignedUploadMark = defineContract<PublicUploadRecord>()(
  TOPICS.transfer.presignedUploadMark,
  z.discriminatedUnion('status', [
    z.object({ id, status: z.literal('In Transit') }),
    /** `file`: the object as the storage API shows it, for the `file.uploaded` event (source `presigned`, with the tags). */
    z.object({ id, status: z.literal('Complete'), file: z.record(z.string(), z.unknown()) }),
  ]),
);

export const PresignedUploadDelete = defineContract<{ deleted: true }>()(TOPICS.transfer.presignedUploadDelete, z.object({ id }));

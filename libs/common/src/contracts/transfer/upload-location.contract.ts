import { z } from 'zod';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList } from '../public-objects';
import { TOPICS } from '../topics';

/**
 * An upload location (seed 000): a folder in one of the app's accounts where
 * the File Picker's "copy to upload location" and presigned uploads land. One
 * of an app's locations is its default.
 */
export interface PublicUploadLocation {
  id: string;
  account_id: number;
  folder_id: string;
  default: boolean;
  created: string;
  modified: string;
  type: 'upload_location';
}

const locationId = z.string().uuid('upload location id must be a UUID');
const folderId = z.string().min(1).max(4096);

/** The account must be one of the app's (the gateway checks it with auth before it asks). The first location is the default. */
export const UploadLocationCreate = defineContract<PublicUploadLocation>()(
  TOPICS.transfer.uploadLocationCreate,
  z.object({ accountId: z.number().int().positive(), folderId, default: z.boolean().optional() }),
);
export const UploadLocationList = defineContract<ObjectList<PublicUploadLocation>>()(TOPICS.transfer.uploadLocationList, pagingSchema);
export const UploadLocationGet = defineContract<PublicUploadLocation>()(TOPICS.transfer.uploadLocationGet, z.object({ id: locationId }));
/** Moves the location to another folder and/or makes it the default (the old default stops being one). */
export const UploadLocationUpdate = defineContract<PublicUploadLocation>()(
  TOPICS.transfer.uploadLocationUpdate,
  z.object({ id: locationId, folderId: folderId.optional(), default: z.literal(true).optional() }),
);
/** Deleting the default makes the oldest remaining location the default. */
export const UploadLocationDelete = defineContract<{ deleted: true }>()(TOPICS.transfer.uploadLocationDelete, z.object({ id: locationId }));
/**
 * Where a copy to `upload_location` goes: the location in `accountId` (and
 * `folderId`, when given) the File Picker names with `drop_account` and
 * `parent_id`, else the app's default. 404 when the app has none that matches.
 */
export const UploadLocationResolve = defineContract<PublicUploadLocation>()(
  TOPICS.transfer.uploadLocationResolve,
  z.object({ accountId: z.number().int().positive().optional(), folderId: folderId.optional() }),
);

import { z } from 'zod';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList, PublicStorageObject } from '../public-objects';
import { TOPICS } from '../topics';

/** Options every storage call may carry (X-Kloudless-Raw-Data). */
export const storageOptionsSchema = z.object({ rawData: z.boolean().default(false) });

export const FolderList = defineContract<ObjectList<PublicStorageObject>>()(
  TOPICS.connectors.folderList,
  pagingSchema.extend({ folderId: z.string().min(1) }).merge(storageOptionsSchema),
);

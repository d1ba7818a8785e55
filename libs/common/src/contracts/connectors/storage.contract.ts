import { z } from 'zod';
import { defineContract, type ParsedRequestOf } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList, PublicStorageObject } from '../public-objects';
import { TOPICS } from '../topics';

/**
 * The storage calls the gateway makes on connectors. Bytes never travel here:
 * downloads and uploads use the connectors' internal stream endpoint.
 */
const raw = { rawData: z.boolean().default(false) };
const kind = z.enum(['file', 'folder']);

export const FolderGet = defineContract<PublicStorageObject>()(TOPICS.connectors.folderGet, z.object({ folderId: z.string().min(1), ...raw }));

export const FolderCreate = defineContract<PublicStorageObject>()(
  TOPICS.connectors.folderCreate,
  z.object({ parentId: z.string().min(1), name: z.string().min(1).max(1024), conflictIfExists: z.boolean().default(false), ...raw }),
);

export const FileGet = defineContract<PublicStorageObject>()(TOPICS.connectors.fileGet, z.object({ fileId: z.string().min(1), ...raw }));

/** PATCH: rename and/or move. */
export const ObjectUpdate = defineContract<PublicStorageObject>()(
  TOPICS.connectors.objectUpdate,
  z.object({ kind, id: z.string().min(1), name: z.string().min(1).max(1024).optional(), parentId: z.string().min(1).optional(), ...raw }),
);

/** Copy inside the same account. */
export const ObjectCopy = defineContract<PublicStorageObject>()(
  TOPICS.connectors.objectCopy,
  z.object({ kind, id: z.string().min(1), parentId: z.string().min(1), name: z.string().min(1).max(1024).optional(), ...raw }),
);

export const ObjectDelete = defineContract<{ deleted: true }>()(
  TOPICS.connectors.objectDelete,
  z.object({ kind, id: z.string().min(1), recursive: z.boolean().default(false) }),
);

export const Search = defineContract<ObjectList<PublicStorageObject>>()(
  TOPICS.connectors.search,
  pagingSchema.extend({ q: z.string().min(1, 'q is required'), parents: z.string().min(1).optional(), ...raw }),
);

/**
 * A URL straight to the storage service, for services that sign them (S3):
 * `PUT` a new file `name` into `parentId` (it must not exist), or `GET` a file.
 * `url` is null when the account's service cannot presign; `fileId` is the id
 * the object has (PUT: will have).
 */
export const Presign = defineContract<{ url: string | null; fileId: string }>()(
  TOPICS.connectors.presign,
  z.discriminatedUnion('method', [
    z.object({ method: z.literal('PUT'), parentId: z.string().min(1), name: z.string().min(1).max(1024), contentType: z.string().min(1).max(255), expiresInS: z.number().int().positive().max(7 * 24 * 3600) }),
    z.object({ method: z.literal('GET'), fileId: z.string().min(1), expiresInS: z.number().int().positive().max(7 * 24 * 3600) }),
  ]),
);

export type PresignRequest = ParsedRequestOf<typeof Presign>;

export interface EncodedId {
  id: string;
  api: 'storage';
  type: string;
}

/** Kloudless `convert_id` (python v1 SDK) and `encode_raw_id` (seed 002): an upstream id to ours. */
export const EncodeRawId = defineContract<EncodedId>()(
  TOPICS.connectors.encodeRawId,
  z.object({ rawId: z.string(), type: z.string().default('object') }),
);

export interface MultipartSession {
  id: string;
  account: number;
  parent_id: string;
  name: string;
  size: number;
  part_size: number;
  parallel_uploads: boolean;
  api: 'storage';
  type: 'multipart_session';
}

export const MultipartCreate = defineContract<MultipartSession>()(
  TOPICS.connectors.multipartCreate,
  z.object({
    parentId: z.string().min(1), name: z.string().min(1).max(1024), size: z.number().int().min(0), overwrite: z.boolean().default(false),
    /** Exactly this part size (the File Picker's upload chunks are the parts), refused when the service cannot take it; else chosen here. */
    partSize: z.number().int().positive().optional(),
  }),
);
export const MultipartGet = defineContract<MultipartSession>()(TOPICS.connectors.multipartGet, z.object({ sessionId: z.string().uuid() }));
export const MultipartComplete = defineContract<PublicStorageObject>()(
  TOPICS.connectors.multipartComplete,
  z.object({ sessionId: z.string().uuid(), ...raw }),
);
export const MultipartAbort = defineContract<{ aborted: true }>()(TOPICS.connectors.multipartAbort, z.object({ sessionId: z.string().uuid() }));

export interface ServiceCapabilities {
  apis: string[];
  capabilities: Record<string, { value: boolean }>;
}

/** What a service's connector can do (for `retrieve_full=true`), from its declared features. */
export const CapabilitiesGet = defineContract<ServiceCapabilities>()(TOPICS.connectors.capabilitiesGet, z.object({ service: z.string().min(1) }));

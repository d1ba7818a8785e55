import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type PublicAccount, type PublicError, type PublicStorageObject } from '@app/common';

/**
 * The public (Kloudless v1) objects as zod schemas, for the OpenAPI document's
 * responses. Each is checked against the TypeScript type the services build
 * (`Exact` below), so the two cannot drift apart without a compile error.
 */
const folderRef = z.object({ id: z.string(), name: z.string() });

export const storageObjectSchema = z
  .object({
    api: z.literal('storage'),
    type: z.enum(['file', 'folder']),
    id: z.string(),
    name: z.string(),
    size: z.number().int().nullable(),
    created: z.string().nullable(),
    modified: z.string().nullable(),
    account: z.number().int(),
    parent: folderRef.nullable(),
    ancestors: z.array(folderRef).nullable(),
    path: z.string().nullable(),
    mime_type: z.string().optional(),
    downloadable: z.boolean().optional(),
    can_create_folders: z.boolean().optional(),
    can_upload_files: z.boolean().optional(),
    raw_id: z.string().optional(),
    raw: z.record(z.string(), z.unknown()).optional(),
    upload_tags: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'StorageObject', description: 'A File or Folder (`type`).' });

export const accountSchema = z
  .object({
    id: z.number().int(),
    account: z.string(),
    service: z.string(),
    active: z.boolean(),
    status: z.enum(['active', 'needs_reauth']),
    admin: z.boolean(),
    created: z.string(),
    modified: z.string(),
    api: z.literal('meta'),
    type: z.literal('account'),
    apis: z.array(z.string()).optional(),
    properties: z.object({ capabilities: z.record(z.string(), z.object({ value: z.boolean() })) }).optional(),
  })
  .meta({ id: 'Account' });

export const errorSchema = z
  .object({
    error_code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    status_code: z.number().int(),
    id: z.string().optional(),
    conflicting_resource_id: z.string().optional(),
    retry_after: z.number().optional(),
  })
  .meta({ id: 'Error', description: 'Every error, with the HTTP status in `status_code` and the request id in `id`.' });

/** A page of `item`s: `{type: "object_list", objects, count, page, next_page}`. */
export function objectListSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      type: z.literal('object_list'),
      api: z.string(),
      objects: z.array(item),
      count: z.number().int(),
      page: z.number().int(),
      next_page: z.number().int().nullable(),
      total: z.number().int().optional(),
    })
    .meta({ id });
}

export const storageObjectListSchema = objectListSchema(storageObjectSchema, 'StorageObjectList');
export const accountListSchema = objectListSchema(accountSchema, 'AccountList');

/** Compile-time check that a schema's output and a type are the same shape: assignable both ways, with the same keys. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Exact<A, B> = Same<A, B> extends true ? Same<keyof A, keyof B> : false;
const checks: [Exact<z.output<typeof storageObjectSchema>, PublicStorageObject>, Exact<z.output<typeof accountSchema>, PublicAccount>, Exact<z.output<typeof errorSchema>, PublicError>] = [true, true, true];
void checks;

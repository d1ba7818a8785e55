import { z } from 'zod';
import type { PublicAccount } from '../public-objects';
import { TOPICS } from '../topics';
import type { AccountConnectedData, AccountDeletedData, AccountReauthRequiredData, AccountRecoveredData, AccountRefreshFailedData, AccountTokenRefreshedData } from './account.events';
import { UPLOAD_SOURCES, uploadTagsSchema, type FileDeletedData, type FileMovedData, type FileUpdatedData, type FileUploadedData, type FolderCreatedData } from './file.events';
import type { TaskCompletedData, TaskFailedData, TaskProgressData, TaskStartedData } from './task.events';

/**
 * The event catalog: every domain event a webhook can subscribe to, with the
 * schema its `data` is validated against on arrival, an example and a line of
 * docs (docs/webhooks.md shows the same). Schemas accept unknown extra fields:
 * payloads grow by adding optional fields.
 */

/** The domain event envelope as it crosses Kafka (see DomainEvent). */
export const domainEventSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.string().min(1).max(128),
  occurredAt: z.string().datetime({ offset: true }),
  appId: z.string().min(1).max(64),
  accountId: z.number().int().positive().optional().nullable(),
  requestId: z.string().optional().nullable(),
  data: z.unknown(),
});

const publicAccountSchema = z.looseObject({
  id: z.number().int().positive(),
  account: z.string(),
  service: z.string(),
  active: z.boolean(),
  api: z.literal('meta'),
  type: z.literal('account'),
});
const storageObjectSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  type: z.enum(['file', 'folder']),
  path: z.string().optional(),
});
const changeSource = z.enum(['api', 'external']);
const exampleFile = {
  api: 'storage' as const,
  type: 'file' as const,
  id: 'ZmlsZS9yZXBvcnQucGRm',
  name: 'report.pdf',
  size: 68772,
  created: '2025-11-23T10:05:00.000Z',
  modified: '2025-11-23T10:05:00.000Z',
  account: 42,
  parent: { id: 'root', name: '' },
  ancestors: null,
  path: '/report.pdf',
  mime_type: 'application/pdf',
  downloadable: true,
};
const taskRefSchema = z.looseObject({
  id: z.string().min(1),
  account: z.number().int().positive(),
  kind: z.string(),
  status: z.string(),
});

const exampleAccount: PublicAccount = {
  id: 42,
  account: 'team-share',
  service: 'local',
  active: true,
  status: 'active',
  admin: false,
  created: '2025-11-23T10:00:00.000Z',
  modified: '2025-11-23T10:00:00.000Z',
  api: 'meta',
  type: 'account',
};

interface CatalogEntry<T> {
  schema: z.ZodType;
  description: string;
  example: T;
}
function entry<T>(schema: z.ZodType, description: string, example: T): CatalogEntry<T> {
  return { schema, description, example };
}

export const EVENT_CATALOG = Object.freeze({
  [TOPICS.events.accountConnected]: entry<AccountConnectedData>(
    z.looseObject({ account: publicAccountSchema }),
    'A storage account was connected to the app.',
    { account: exampleAccount },
  ),
  [TOPICS.events.accountReauthRequired]: entry<AccountReauthRequiredData>(
    z.looseObject({ account: publicAccountSchema, reason: z.string() }),
    "The account's credentials stopped working (revoked, expired); the user must connect it again.",
    { account: { ...exampleAccount, active: false, status: 'needs_reauth' }, reason: 'The refresh token was revoked by the user.' },
  ),
  [TOPICS.events.accountTokenRefreshed]: entry<AccountTokenRefreshedData>(
    z.looseObject({ account: publicAccountSchema, expires: z.string().nullable() }),
    "The account's OAuth access token was refreshed (the event never carries a token).",
    { account: { ...exampleAccount, service: 'gdrive' }, expires: '2025-11-23T11:00:00.000Z' },
  ),
  [TOPICS.events.accountRefreshFailed]: entry<AccountRefreshFailedData>(
    z.looseObject({ account: publicAccountSchema, reason: z.string() }),
    'Refreshing the access token failed for a reason that may pass (the provider was unavailable); the account stays active and the next call tries again.',
    { account: { ...exampleAccount, service: 'gdrive' }, reason: 'The token endpoint could not be reached.' },
  ),
  [TOPICS.events.accountRecovered]: entry<AccountRecoveredData>(
    z.looseObject({ account: publicAccountSchema }),
    'An account that needed re-authorization was connected again by its user and works again.',
    { account: { ...exampleAccount, service: 'gdrive' } },
  ),
  [TOPICS.events.accountDeleted]: entry<AccountDeletedData>(
    z.looseObject({ account: publicAccountSchema }),
    'A storage account was disconnected from the app.',
    { account: exampleAccount },
  ),
  [TOPICS.events.fileUploaded]: entry<FileUploadedData>(
    z.looseObject({
      account: z.number().int().positive(),
      file: storageObjectSchema,
      client: z.string(),
      source: z.enum(UPLOAD_SOURCES),
      upload_tags: uploadTagsSchema,
      task_id: z.string().optional(),
    }),
    'A file was written: uploaded through the API or a presigned URL, fetched from a URL, copied (by a task or within the account), or written to the storage outside our API and found by the change-feed scan (`source: "external"`). Carries the upload tags and the source service (`client`).',
    {
      account: 42,
      file: exampleFile,
      client: 'dropbox',
      source: 'transfer',
      upload_tags: { userId: 'u-1234', transactionId: 'tx-42' },
      task_id: 'tsk_5f2c1',
    },
  ),
  [TOPICS.events.fileDeleted]: entry<FileDeletedData>(
    z.looseObject({ account: z.number().int().positive(), file: storageObjectSchema, source: changeSource.optional() }),
    'A file or folder was deleted: through the API (`source: "api"`), or outside it and found by the change-feed scan (`"external"`).',
    { account: 42, file: { id: 'ZmlsZS9yZXBvcnQucGRm', name: 'report.pdf', path: '/report.pdf', type: 'file' }, source: 'api' },
  ),
  [TOPICS.events.fileMoved]: entry<FileMovedData>(
    z.looseObject({
      account: z.number().int().positive(),
      file: storageObjectSchema,
      previous: z.looseObject({ id: z.string().min(1), name: z.string(), path: z.string().nullable() }),
      change: z.enum(['move', 'rename']),
      source: changeSource,
    }),
    'A file or folder was renamed or moved through the API. `file` is the object now (on path-addressed services its id changed), `previous` where it was.',
    {
      account: 42,
      file: { ...exampleFile, id: 'YXJjaGl2ZS9yZXBvcnQucGRm', path: '/archive/report.pdf', parent: { id: 'YXJjaGl2ZQ', name: 'archive' } },
      previous: { id: 'ZmlsZS9yZXBvcnQucGRm', name: 'report.pdf', path: '/report.pdf', parent: { id: 'root' } },
      change: 'move',
      source: 'api',
    },
  ),
  [TOPICS.events.fileUpdated]: entry<FileUpdatedData>(
    z.looseObject({ account: z.number().int().positive(), file: storageObjectSchema, source: changeSource }),
    "A file's contents changed outside our API (its size or modification time differs), found by the change-feed scan. Replacing a file through the API sends `file.uploaded`.",
    { account: 42, file: { ...exampleFile, size: 70112, modified: '2025-11-24T08:00:00.000Z' }, source: 'external' },
  ),
  [TOPICS.events.folderCreated]: entry<FolderCreatedData>(
    z.looseObject({ account: z.number().int().positive(), folder: storageObjectSchema, source: z.enum(['api', 'copy', 'external']) }),
    'A folder was created: through the API, by a copy within the account, or outside our API (found by the change-feed scan).',
    {
      account: 42,
      folder: {
        api: 'storage', type: 'folder', id: 'YXJjaGl2ZQ', name: 'archive', size: null, created: '2025-11-23T10:05:00.000Z', modified: '2025-11-23T10:05:00.000Z',
        account: 42, parent: { id: 'root', name: '' }, ancestors: [{ id: 'root', name: '' }], path: '/archive', can_create_folders: true, can_upload_files: true,
      },
      source: 'api',
    },
  ),
  [TOPICS.events.taskStarted]: entry<TaskStartedData>(
    z.looseObject({ task: taskRefSchema }),
    'A background task (copy, upload from URL) started running.',
    { task: { id: 'tsk_5f2c1', account: 42, kind: 'copy', status: 'STARTED' } },
  ),
  [TOPICS.events.taskProgress]: entry<TaskProgressData>(
    z.looseObject({ task: taskRefSchema, bytes_done: z.number().int().nonnegative(), bytes_total: z.number().int().nonnegative().nullable(), percent_completed: z.number().int().min(0).max(100).nullable() }),
    'A running task moved bytes; sent at most every `TASK_PROGRESS_EVENT_MS` (transfer service, default 5 s) per task while it runs.',
    { task: { id: 'tsk_5f2c1', account: 42, kind: 'copy_file', status: 'STARTED' }, bytes_done: 52428800, bytes_total: 134217728, percent_completed: 39 },
  ),
  [TOPICS.events.taskCompleted]: entry<TaskCompletedData>(
    z.looseObject({ task: taskRefSchema, result: z.record(z.string(), z.unknown()).optional() }),
    'A background task finished successfully.',
    { task: { id: 'tsk_5f2c1', account: 42, kind: 'copy', status: 'SUCCESS' }, result: { id: 'ZmlsZS9yZXBvcnQucGRm', type: 'file' } },
  ),
  [TOPICS.events.taskFailed]: entry<TaskFailedData>(
    z.looseObject({
      task: taskRefSchema,
      error: z.looseObject({ error_code: z.string(), message: z.string(), status_code: z.number().int().optional() }),
    }),
    'A background task failed for good (after its own retries).',
    {
      task: { id: 'tsk_5f2c1', account: 42, kind: 'copy', status: 'FAILURE' },
      error: { error_code: 'service_unauthorized', message: 'The credentials for the upstream service are invalid.', status_code: 401 },
    },
  ),
});

export type EventType = keyof typeof EVENT_CATALOG;

/** Every event type a webhook can subscribe to (the Kafka event topics). */
export const EVENT_TYPES = Object.freeze(Object.keys(EVENT_CATALOG) as EventType[]);

/** The event the webhooks test endpoint sends; never published on Kafka and not subscribable. */
export const PING_EVENT = 'ping';

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOG, value);
}

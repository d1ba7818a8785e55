import { z } from 'zod';
import type { PublicError } from '../../errors';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList, PublicStorageObject } from '../public-objects';
import { TOPICS } from '../topics';
import { uploadTagsRecord } from './upload-tags';

/** Kloudless task states (seed 002); PENDING and STARTED are unready, UNKNOWN is past retention. */
export const TASK_STATUSES = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'UNKNOWN'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The Task object (seed 002): `info` carries progress while the task runs. */
export interface PublicTask {
  id: string;
  status: TaskStatus;
  account: number;
  kind: string;
  info: {
    time_elapsed: number | null;
    time_remaining: number | null;
    percent_completed: number | null;
    bytes_done: number;
    bytes_total: number | null;
  } | null;
  created: string;
  modified: string;
  api: 'storage';
  type: 'task';
}

export interface DeletedObject {
  id: string;
  type: 'folder';
  deleted: true;
}

/** A task and, once it ended, what it produced or why it failed. */
export interface TaskView {
  task: PublicTask;
  /** The File or Folder written, or `{ id, type, deleted: true }` for a delete. */
  result?: PublicStorageObject | DeletedObject;
  error?: PublicError;
}

const storageId = z.string().min(1).max(4096);

const destination = z.object({ accountId: z.number().int().positive(), parentId: storageId, name: z.string().min(1).max(255).optional() });

/** A copy of one file into another account of the same app (the path account is the source). */
export const copyFileTask = z.object({
  kind: z.literal('copy_file'),
  source: z.object({ accountId: z.number().int().positive(), fileId: storageId }),
  destination,
  rawData: z.boolean().default(false),
  tags: uploadTagsRecord.optional(),
});
export type CopyFileTask = z.infer<typeof copyFileTask>;

/** A file fetched from an http(s) URL into an account (the path account is the destination). */
export const uploadFromUrlTask = z.object({
  kind: z.literal('upload_from_url'),
  url: z.string().url().max(8192),
  destination,
  rawData: z.boolean().default(false),
  tags: uploadTagsRecord.optional(),
});
export type UploadFromUrlTask = z.infer<typeof uploadFromUrlTask>;

/** A folder tree copied into another account of the same app (the path account is the source). */
export const copyFolderTask = z.object({
  kind: z.literal('copy_folder'),
  source: z.object({ accountId: z.number().int().positive(), folderId: storageId }),
  destination,
  rawData: z.boolean().default(false),
});
export type CopyFolderTask = z.infer<typeof copyFolderTask>;

/** A recursive folder delete run in the background (`X-Kloudless-Async`); its result is `{ id, type: 'folder', deleted: true }`. */
export const deleteFolderTask = z.object({
  kind: z.literal('delete_folder'),
  source: z.object({ accountId: z.number().int().positive(), folderId: storageId }),
});
export type DeleteFolderTask = z.infer<typeof deleteFolderTask>;

export const taskParams = z.discriminatedUnion('kind', [copyFileTask, uploadFromUrlTask, copyFolderTask, deleteFolderTask]);
export type TaskParams = z.infer<typeof taskParams>;

/** The account a task belongs to (the one in its route): a copy's source, an upload's destination. */
export function taskAccountId(params: TaskParams): number {
  return params.kind === 'upload_from_url' ? params.destination.accountId : params.source.accountId;
}

export const TaskCreate = defineContract<PublicTask>()(TOPICS.transfer.taskCreate, taskParams);

/** One task; with meta.accountId the task must belong to that account (the account-scoped route). */
export const TaskGet = defineContract<TaskView>()(TOPICS.transfer.taskGet, z.object({ taskId: z.string().uuid() }));

export const TaskList = defineContract<ObjectList<PublicTask>>()(
  TOPICS.transfer.taskList,
  pagingSchema.extend({ status: z.enum(TASK_STATUSES).optional() }),
);

/** Stops a task that has not ended; the partial destination never appears. */
export const TaskCancel = defineContract<PublicTask>()(TOPICS.transfer.taskCancel, z.object({ taskId: z.string().uuid() }));

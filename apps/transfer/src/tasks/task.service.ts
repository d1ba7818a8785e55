import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  CONFIG,
  NotFoundError,
  objectList,
  taskAccountId,
  type TaskParams,
  type MessageMeta,
  type ObjectList,
  type PublicError,
  type PublicStorageObject,
  type PublicTask,
  type TaskView,
} from '@app/common';
import type { TransferConfig } from '../transfer.config';
import { toPublicTask } from './task.mapper';
import { TaskQueue } from './task.queue';
import { TaskRepository } from './task.repository';

/** The Task API: create (queued), read (with the result once done, UNKNOWN past retention), list, cancel. */
@Injectable()
export class TaskService {
  private readonly retentionMs: number;

  constructor(
    private readonly tasks: TaskRepository,
    private readonly queue: TaskQueue,
    @Inject(CONFIG) config: TransferConfig,
  ) {
    this.retentionMs = config.TASK_RETENTION_S * 1000;
  }

  async create(meta: MessageMeta, input: TaskParams): Promise<PublicTask> {
    const row = await this.tasks.insert(meta, { id: randomUUID(), accountId: taskAccountId(input), kind: input.kind, params: input as unknown as Record<string, unknown> });
    await this.queue.add({ taskId: row.id, appId: meta.appId });
    return toPublicTask(row);
  }

  async get(meta: MessageMeta, taskId: string): Promise<TaskView> {
    const row = await this.tasks.findOne(meta, taskId);
    if (!row || (meta.accountId !== undefined && row.accountId !== meta.accountId)) throw new NotFoundError(`Task ${taskId} was not found.`);
    // Past retention a finished task is UNKNOWN (seed 002: results are kept 10 minutes).
    if (row.finishedAt && row.finishedAt.getTime() + this.retentionMs < Date.now()) {
      return { task: { ...toPublicTask(row), status: 'UNKNOWN', info: null } };
    }
    const task = toPublicTask(row);
    if (row.status === 'SUCCESS') return { task, result: row.result as unknown as PublicStorageObject };
    if (row.status === 'FAILURE') return { task, error: row.error as unknown as PublicError };
    return { task };
  }

  async list(meta: MessageMeta, page: number, pageSize: number, status?: string): Promise<ObjectList<PublicTask>> {
    const { rows, total } = await this.tasks.page(meta, page, pageSize, status);
    if (rows.length === 0 && page > 1) throw new NotFoundError(`Page ${page} is past the last page.`);
    return objectList('storage', rows.map((r) => toPublicTask(r)), page, page * pageSize < total, total);
  }

  /** A pending task ends at once; a running one is stopped by its worker within a tick. */
  async cancel(meta: MessageMeta, taskId: string): Promise<PublicTask> {
    const row = await this.tasks.findOne(meta, taskId);
    if (!row) throw new NotFoundError(`Task ${taskId} was not found.`);
    if (row.status !== 'PENDING' && row.status !== 'STARTED') throw new AppError('bad_request', `Task ${taskId} has already ended (${row.status}).`);
    await this.tasks.requestCancel(meta, taskId);
    if (row.status === 'PENDING') {
      await this.tasks.finish(meta, taskId, { status: 'FAILURE', error: new AppError('bad_request', 'The task was cancelled.').toPublic() as unknown as Record<string, unknown> });
    }
    return toPublicTask((await this.tasks.findOne(meta, taskId))!);
  }
}

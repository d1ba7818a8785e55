import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  AppError,
  CONFIG,
  copyFileTask,
  EVENT_PUBLISHER,
  EventPublisher,
  InternalError,
  LOGGER,
  TASK_COMPLETED,
  TASK_FAILED,
  TASK_STARTED,
  type TaskCompletedData,
  type TaskFailedData,
  type TaskRef,
  type TaskStartedData,
} from '@app/common';
import type { TransferConfig } from '../transfer.config';
import { CopyRunner } from './copy-runner';
import type { TaskEntity } from './task.entity';
import { TaskQueue, type TaskJob } from './task.queue';
import { TaskRepository } from './task.repository';

/** How often a running task writes its progress and looks for a cancel. */
const TICK_MS = 500;

/**
 * Runs tasks from the Bull queue: PENDING → STARTED (once), the copy in the
 * connectors service with progress written every TICK_MS, then SUCCESS or
 * FAILURE with the public error. A cancel set by any instance is seen within
 * a tick. A task found already STARTED is a re-run after a crash: a streamed
 * copy cannot resume, so it fails cleanly and says so.
 */
@Injectable()
export class TaskProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly queue: TaskQueue,
    private readonly runner: CopyRunner,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
    @Inject(CONFIG) private readonly config: TransferConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.process(this.config.TASK_CONCURRENCY, (job) => this.run(job));
  }

  async run(job: TaskJob): Promise<void> {
    const scope = { appId: job.appId };
    const meta = { appId: job.appId, requestId: `task-${job.taskId}` };
    const row = await this.tasks.findOne(scope, job.taskId);
    if (!row || (row.status !== 'PENDING' && row.status !== 'STARTED')) return;
    if (!(await this.tasks.markStarted(scope, row.id))) {
      await this.fail(row, new AppError('service_not_available', 'The task was interrupted (its worker stopped); start it again.'));
      return;
    }
    await this.events.publish<TaskStartedData>(TASK_STARTED, meta, row.accountId, { task: ref(row, 'STARTED') });

    const cancel = new AbortController();
    let progress: { bytes_done: number; bytes_total: number | null } = { bytes_done: 0, bytes_total: null };
    let written = '';
    const tick = setInterval(() => {
      void (async () => {
        if (await this.tasks.cancelRequested(scope, row.id)) cancel.abort();
        const now = JSON.stringify(progress);
        if (now !== written) {
          written = now;
          await this.tasks.progress(scope, row.id, progress);
        }
      })().catch((err) => this.logger.warn({ err: String(err), taskId: row.id }, 'transfer.task.tick_failed'));
    }, TICK_MS);
    try {
      const params = copyFileTask.parse(row.params);
      const file = await this.runner.copy(meta, params, {
        signal: cancel.signal,
        onProgress: (done, total) => (progress = { bytes_done: done, bytes_total: total }),
      });
      clearInterval(tick);
      await this.tasks.progress(scope, row.id, { bytes_done: file.size ?? progress.bytes_done, bytes_total: file.size ?? progress.bytes_total });
      if (await this.tasks.finish(scope, row.id, { status: 'SUCCESS', result: file as unknown as Record<string, unknown> })) {
        await this.events.publish<TaskCompletedData>(TASK_COMPLETED, meta, row.accountId, { task: ref(row, 'SUCCESS'), result: file as unknown as Record<string, unknown> });
      }
    } catch (err) {
      clearInterval(tick);
      const error = err instanceof AppError ? err : new InternalError();
      if (!(err instanceof AppError)) this.logger.error({ err, taskId: row.id }, 'transfer.task.error');
      await this.fail(row, error);
    }
  }

  private async fail(row: TaskEntity, error: AppError): Promise<void> {
    const scope = { appId: row.appId };
    const body = error.toPublic();
    if (await this.tasks.finish(scope, row.id, { status: 'FAILURE', error: body as unknown as Record<string, unknown> })) {
      await this.events.publish<TaskFailedData>(TASK_FAILED, { appId: row.appId, requestId: `task-${row.id}` }, row.accountId, { task: ref(row, 'FAILURE'), error: body });
    }
  }
}

function ref(row: TaskEntity, status: string): TaskRef {
  return { id: row.id, account: row.accountId, kind: row.kind, status, created: row.createdAt.toISOString() };
}

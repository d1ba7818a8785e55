import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  AppError,
  CONFIG,
  taskParams,
  type CopyFileTask,
  type DeletedObject,
  EVENT_PUBLISHER,
  EventPublisher,
  InternalError,
  LOGGER,
  TASK_COMPLETED,
  TASK_FAILED,
  TASK_PROGRESS,
  TASK_STARTED,
  type TaskProgressData,
  type TaskCompletedData,
  type TaskFailedData,
  type TaskRef,
  type TaskStartedData,
  type PreparedParts,
  type PublicStorageObject,
} from '@app/common';
import type { TransferConfig } from '../transfer.config';
import { ChunkedCopy } from '../parts/chunked-copy';
import { CancelledError, ConnectorsCommands, StalledError, type CommandMeta } from '../parts/connectors-commands';
import type { TaskEntity } from './task.entity';
import { TaskQueue, type TaskJob } from './task.queue';
import { TaskRepository } from './task.repository';

/** How often a running task writes its progress and looks for a cancel. */
const TICK_MS = 500;

/**
 * Runs tasks from the Bull queue: PENDING → STARTED, then the copy, with
 * progress written every TICK_MS, then SUCCESS or FAILURE with the public
 * error. A cancel set by any instance is seen within a tick. A task found
 * already STARTED is a re-run after its worker died: it continues — a chunked
 * copy from its stored upload and parts, a one-stream copy from the start
 * (it only ever commits at its end).
 */
@Injectable()
export class TaskProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly queue: TaskQueue,
    private readonly commands: ConnectorsCommands,
    private readonly chunked: ChunkedCopy,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
    @Inject(CONFIG) private readonly config: TransferConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.process(this.config.TASK_CONCURRENCY, (job) => this.run(job));
    this.queue.onGivenUp(async (job) => {
      const row = await this.tasks.findOne({ appId: job.appId }, job.taskId);
      if (row) await this.fail(row, new AppError('service_not_available', 'The task was interrupted too many times (its workers stopped); start it again.'));
    });
  }

  async run(job: TaskJob): Promise<void> {
    const scope = { appId: job.appId };
    const meta = { appId: job.appId, requestId: `task-${job.taskId}` };
    const row = await this.tasks.findOne(scope, job.taskId);
    if (!row || (row.status !== 'PENDING' && row.status !== 'STARTED')) return;
    const resumed = !(await this.tasks.markStarted(scope, row.id));
    if (!resumed) {
      await this.events.publish<TaskStartedData>(TASK_STARTED, meta, row.accountId, { task: ref(row, 'STARTED') });
    } else {
      this.logger.info({ taskId: row.id }, 'transfer.task.resumed');
    }

    const cancel = new AbortController();
    let progress: Record<string, number | null> = { bytes_done: 0, bytes_total: null };
    let written = '';
    let announced = 0;
    let ended = false;
    const tick = setInterval(() => {
      void (async () => {
        if (await this.tasks.cancelRequested(scope, row.id)) cancel.abort();
        const now = JSON.stringify(progress);
        if (now !== written) {
          written = now;
          await this.tasks.progress(scope, row.id, progress);
          const every = this.config.TASK_PROGRESS_EVENT_MS;
          if (every > 0 && Date.now() - announced >= every && !ended && !cancel.signal.aborted) {
            announced = Date.now();
            await this.events.publish<TaskProgressData>(TASK_PROGRESS, meta, row.accountId, { task: ref(row, 'STARTED'), ...progressEvent(progress) });
          }
        }
      })().catch((err) => this.logger.warn({ err: String(err), taskId: row.id }, 'transfer.task.tick_failed'));
    }, TICK_MS);
    const stopTicking = () => {
      ended = true;
      clearInterval(tick);
    };
    const params = taskParams.parse(row.params);
    const setProgress = (value: Record<string, number | null>) => (progress = value);
    let prepared = row.upload;
    try {
      let file: PublicStorageObject | DeletedObject;
      if (params.kind === 'delete_folder') {
        file = await this.commands.run<DeletedObject>('delete', meta, { source: params.source }, { signal: cancel.signal, timeoutMs: this.config.TRANSFER_PART_TIMEOUT_MS });
      } else if (params.kind === 'upload_from_url') {
        file = await this.commands.run<PublicStorageObject>('url', meta, { url: params.url, destination: params.destination, rawData: params.rawData, tags: params.tags }, {
          signal: cancel.signal,
          stallMs: this.config.TRANSFER_STALL_TIMEOUT_MS,
          onProgress: (done, total) => setProgress({ bytes_done: done, bytes_total: total }),
        });
      } else if (params.kind === 'copy_folder') {
        file = await this.commands.run<PublicStorageObject>('folder', meta, { source: params.source, destination: params.destination, rawData: params.rawData, resume: resumed }, {
          signal: cancel.signal,
          stallMs: this.config.TRANSFER_STALL_TIMEOUT_MS,
          onProgress: (done, total) => setProgress({ bytes_done: done, bytes_total: total }),
        });
      } else {
        prepared ??= await this.prepare(row, params, meta, cancel.signal);
        file = await this.copy(row, params, prepared, meta, cancel.signal, setProgress);
      }
      const total = ('size' in file ? file.size : null) ?? progress.bytes_total ?? null;
      stopTicking();
      await this.tasks.progress(scope, row.id, { ...progress, bytes_done: total ?? progress.bytes_done ?? 0, bytes_total: total });
      if (await this.tasks.finish(scope, row.id, { status: 'SUCCESS', result: file as unknown as Record<string, unknown> })) {
        await this.events.publish<TaskCompletedData>(TASK_COMPLETED, meta, row.accountId, { task: ref(row, 'SUCCESS'), result: file as unknown as Record<string, unknown> });
      }
    } catch (err) {
      stopTicking();
      if (err instanceof CancelledError || cancel.signal.aborted) {
        if (prepared && params.kind === 'copy_file') await this.chunked.abort(meta, params.destination.accountId, prepared);
        await this.fail(row, new AppError('bad_request', 'The task was cancelled.'));
        return;
      }
      const error = err instanceof AppError ? err
        : err instanceof StalledError ? new AppError('gateway_timeout', `The transfer made no progress for ${this.config.TRANSFER_STALL_TIMEOUT_MS / 1000} s and was stopped.`)
          : new InternalError();
      if (!(err instanceof AppError)) this.logger.error({ err, taskId: row.id }, 'transfer.task.error');
      await this.fail(row, error);
    }
  }

  /** Opens the destination's upload (or learns that one stream will do) and stores it, so a re-run continues it. */
  private async prepare(row: TaskEntity, params: CopyFileTask, meta: CommandMeta, signal: AbortSignal): Promise<PreparedParts> {
    const prepared = await this.commands.run<PreparedParts>('prepare', meta, {
      source: params.source, destination: params.destination, uploadKey: row.id, chunkAbove: this.config.TRANSFER_CHUNK_ABOVE,
    }, { signal });
    await this.tasks.saveUpload({ appId: row.appId }, row.id, prepared);
    return prepared;
  }

  /** Part by part when the destination took a chunked upload, else one stream. */
  private copy(row: TaskEntity, params: CopyFileTask, prepared: PreparedParts, meta: CommandMeta, signal: AbortSignal, setProgress: (p: Record<string, number | null>) => void): Promise<PublicStorageObject> {
    const total = prepared.source.size;
    setProgress({ bytes_done: 0, bytes_total: total });
    const { upload } = prepared;
    if (upload) {
      return this.chunked.run({
        taskId: row.id, meta, sourceAccountId: params.source.accountId, destinationAccountId: params.destination.accountId,
        prepared: { ...prepared, upload }, rawData: params.rawData, tags: params.tags, signal,
        onProgress: (done, partSize) => setProgress({ bytes_done: done, bytes_total: total, part_size: partSize }),
      });
    }
    return this.commands.run<PublicStorageObject>('copy', meta, { source: params.source, destination: params.destination, rawData: params.rawData, tags: params.tags }, {
      signal,
      onProgress: (done, t) => setProgress({ bytes_done: done, bytes_total: t }),
    });
  }

  private async fail(row: TaskEntity, error: AppError): Promise<void> {
    const scope = { appId: row.appId };
    const body = error.toPublic();
    if (await this.tasks.finish(scope, row.id, { status: 'FAILURE', error: body as unknown as Record<string, unknown> })) {
      await this.events.publish<TaskFailedData>(TASK_FAILED, { appId: row.appId, requestId: `task-${row.id}` }, row.accountId, { task: ref(row, 'FAILURE'), error: body });
    }
  }
}

function progressEvent(progress: Record<string, number | null>): Omit<TaskProgressData, 'task'> {
  const done = progress.bytes_done ?? 0;
  const total = progress.bytes_total ?? null;
  return { bytes_done: done, bytes_total: total, percent_completed: total ? Math.min(100, Math.floor((done / total) * 100)) : null };
}

function ref(row: TaskEntity, status: string): TaskRef {
  return { id: row.id, account: row.accountId, kind: row.kind, status, created: row.createdAt.toISOString() };
}

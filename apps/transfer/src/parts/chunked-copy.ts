import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  AppError,
  CONFIG,
  LOGGER,
  Semaphore,
  ServiceUnavailableError,
  type CompletePartsRequest,
  type CopyPartRequest,
  type PartReceiptJson,
  type PreparedParts,
  type PublicStorageObject,
  type UploadTags,
} from '@app/common';
import type { TransferConfig } from '../transfer.config';
import { CancelledError, ConnectorsCommands, StalledError, type CommandMeta } from './connectors-commands';
import { PartPlan, type PlannedPart } from './part-plan';
import { TaskPartRepository } from './task-part.repository';

export interface ChunkedCopyJob {
  taskId: string;
  meta: CommandMeta;
  sourceAccountId: number;
  destinationAccountId: number;
  prepared: PreparedParts & { upload: NonNullable<PreparedParts['upload']> };
  rawData: boolean;
  tags?: UploadTags;
  signal: AbortSignal;
  /** Bytes in parts done plus bytes of parts under way; and the size new parts are cut at. */
  onProgress(done: number, partSize: number): void;
}

/**
 * Copies a file part by part (issue 9 items 3–6). Parts are cut as the copy
 * goes (PartPlan) and stored before they run; each runs in the connectors
 * service as one command (ranged read → part write). A part that stalls or
 * times out is split in two and the size of new parts halves; a 5xx or an
 * unreachable connectors service is retried with backoff; a 429 waits its
 * Retry-After; any other 4xx fails the task. Parts already done when a worker
 * starts (a restart) are skipped: only the parts that never finished run again.
 */
@Injectable()
export class ChunkedCopy {
  private readonly global: Semaphore;

  constructor(
    private readonly commands: ConnectorsCommands,
    private readonly parts: TaskPartRepository,
    @Inject(CONFIG) private readonly config: TransferConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.global = new Semaphore(config.TRANSFER_PARTS_GLOBAL);
  }

  async run(job: ChunkedCopyJob): Promise<PublicStorageObject> {
    const { prepared } = job;
    const size = prepared.source.size;
    const stored = await this.parts.list(job.taskId);
    const plan = new PartPlan(size, prepared.upload.limits, this.config.TRANSFER_PART_SIZE, stored);
    const pending: PlannedPart[] = stored.filter((p) => p.status === 'pending');
    let doneBytes = stored.filter((p) => p.status === 'done').reduce((n, p) => n + p.size, 0);
    const moving = new Map<number, number>();
    const report = () => job.onProgress(doneBytes + [...moving.values()].reduce((a, b) => a + b, 0), plan.partSize);
    if (stored.length > 0) this.logger.info({ taskId: job.taskId, done: stored.length - pending.length, pending: pending.length }, 'transfer.parts.resumed');
    report();

    let failure: unknown = null;
    // A part that fails for good stops the others at once.
    const stop = new AbortController();
    const signal = AbortSignal.any([job.signal, stop.signal]);
    let active = 0;
    const waiters: Array<() => void> = [];
    const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
    const wake = () => waiters.splice(0).forEach((resolve) => resolve());

    const take = async (): Promise<PlannedPart | null> => {
      const queued = pending.shift();
      if (queued) return queued;
      const cut = plan.cut();
      if (cut) await this.parts.add(job.taskId, cut);
      return cut;
    };

    const runPart = async (part: PlannedPart): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        if (signal.aborted) return;
        const started = Date.now();
        await this.parts.attempted(job.taskId, part.number);
        try {
          const receipt = await this.global.use(() =>
            this.commands.run<PartReceiptJson>('part', job.meta, this.partCommand(job, part), {
              signal,
              stallMs: this.config.TRANSFER_STALL_TIMEOUT_MS,
              timeoutMs: this.config.TRANSFER_PART_TIMEOUT_MS,
              onProgress: (done) => {
                moving.set(part.number, done);
                report();
              },
            }),
          );
          moving.delete(part.number);
          await this.parts.done(job.taskId, part.number, receipt, Date.now() - started);
          doneBytes += part.size;
          plan.succeeded();
          report();
          return;
        } catch (err) {
          moving.delete(part.number);
          if (err instanceof CancelledError || signal.aborted) return;
          if (attempt >= this.config.TRANSFER_PART_ATTEMPTS) throw err;
          if (err instanceof StalledError) {
            const halves = plan.split(part);
            this.logger.warn({ taskId: job.taskId, part: part.number, size: part.size, split: halves !== null }, 'transfer.part.stalled');
            if (halves) {
              await this.parts.split(job.taskId, part, halves);
              pending.unshift(...halves);
              return;
            }
            continue;
          }
          const wait = retryDelay(err, attempt);
          if (wait === null) throw err;
          this.logger.warn({ taskId: job.taskId, part: part.number, attempt, waitMs: wait, err: String(err) }, 'transfer.part.retry');
          await sleep(wait, undefined, { signal }).catch(() => undefined);
        }
      }
    };

    const worker = async (): Promise<void> => {
      for (;;) {
        if (signal.aborted) return;
        const part = await take();
        if (!part) {
          if (active === 0) return;
          await changed();
          continue;
        }
        active++;
        try {
          await runPart(part);
        } catch (err) {
          failure ??= err;
          stop.abort();
        } finally {
          active--;
          wake();
        }
      }
    };
    await Promise.all(Array.from({ length: this.config.TRANSFER_PARTS_PER_TASK }, worker));
    if (failure) throw failure;
    if (job.signal.aborted) throw new CancelledError('The task was cancelled.');

    const done = (await this.parts.list(job.taskId)).filter((p) => p.status === 'done');
    const complete: CompletePartsRequest = {
      destination: { accountId: job.destinationAccountId, path: prepared.target, size },
      upload: prepared.upload.state,
      parts: done.map((p) => ({ number: p.number, offset: p.offset, size: p.size, receipt: p.receipt ?? {} })),
      rawData: job.rawData,
      tags: job.tags,
      sourceAccountId: job.sourceAccountId,
    };
    return this.withRetries(() => this.commands.run<PublicStorageObject>('complete', job.meta, complete, { signal: job.signal }), job.signal);
  }

  /** Drops the destination's upload of a cancelled task (best effort: an orphan upload expires upstream). */
  async abort(meta: CommandMeta, destinationAccountId: number, prepared: PreparedParts): Promise<void> {
    if (!prepared.upload) return;
    await this.commands
      .run('abort', meta, { destination: { accountId: destinationAccountId, path: prepared.target, size: prepared.source.size }, upload: prepared.upload.state })
      .catch((err) => this.logger.warn({ err: String(err) }, 'transfer.parts.abort_failed'));
  }

  private partCommand(job: ChunkedCopyJob, part: PlannedPart): CopyPartRequest {
    return {
      source: { accountId: job.sourceAccountId, path: job.prepared.source.path },
      destination: { accountId: job.destinationAccountId, path: job.prepared.target, size: job.prepared.source.size },
      upload: job.prepared.upload.state,
      part: { number: part.number, offset: part.offset, size: part.size },
    };
  }

  private async withRetries<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        const wait = retryDelay(err, attempt);
        if (wait === null || attempt >= this.config.TRANSFER_PART_ATTEMPTS || signal.aborted) throw err;
        await sleep(wait, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

/** How long to wait before trying again, or null when the error is final (a 4xx other than 429). */
export function retryDelay(err: unknown, attempt: number): number | null {
  const backoff = Math.min(10_000, 500 * 2 ** (attempt - 1));
  if (err instanceof ServiceUnavailableError) return backoff;
  if (err instanceof AppError) {
    if (err.statusCode === 429) return Math.max(backoff, (err.extra.retryAfter ?? 1) * 1000);
    return err.statusCode >= 500 ? backoff : null;
  }
  return null;
}

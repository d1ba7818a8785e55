import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Bull from 'bull';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, queueJobOutcomes, registerQueueDepth } from '@app/common';
import type { TransferConfig } from '../transfer.config';

/** One task to run: the payload shared by producer and processor. */
export interface TaskJob {
  taskId: string;
  appId: string;
}

const QUEUE = 'transfer-tasks';

/**
 * The Bull queue of tasks. The job id is the task id, so a task is queued at
 * most once. A worker killed mid-task leaves its job locked; after the lock
 * (TASK_LOCK_MS) expires Bull's stall check hands it to a worker again, which
 * continues the task. A job that stalls more than twice is given up.
 */
@Injectable()
export class TaskQueue implements OnApplicationShutdown {
  private readonly queue: Bull.Queue<TaskJob>;

  constructor(@Inject(CONFIG) config: TransferConfig, @Inject(LOGGER) private readonly logger: Logger) {
    this.queue = new Bull<TaskJob>(QUEUE, config.REDIS_URL, {
      settings: { lockDuration: config.TASK_LOCK_MS, stalledInterval: Math.max(1000, Math.floor(config.TASK_LOCK_MS / 2)), maxStalledCount: 2 },
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    this.queue.on('error', (err) => this.logger.error({ err: String(err) }, 'transfer.queue.error'));
    this.queue.on('completed', () => queueJobOutcomes.inc({ queue: QUEUE, outcome: 'completed' }));
    this.queue.on('failed', () => queueJobOutcomes.inc({ queue: QUEUE, outcome: 'failed' }));
    registerQueueDepth(QUEUE, () => this.queue.getJobCounts() as unknown as Promise<Record<string, number>>);
  }

  async add(job: TaskJob): Promise<void> {
    await this.queue.add(job, { jobId: job.taskId });
  }

  process(concurrency: number, handler: (job: TaskJob) => Promise<void>): void {
    void this.queue.process(concurrency, (job) => handler(job.data));
  }

  /** Hears jobs Bull gave up on (stalled too often): their tasks must not stay STARTED. */
  onGivenUp(handler: (job: TaskJob) => Promise<void>): void {
    this.queue.on('failed', (job) => {
      void handler(job.data).catch((err) => this.logger.error({ err: String(err), taskId: job.data.taskId }, 'transfer.queue.given_up_failed'));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

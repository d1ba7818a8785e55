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
 * expires Bull's stall check hands it to a worker again, which finds the task
 * already STARTED and fails it cleanly (a streamed copy cannot resume).
 */
@Injectable()
export class TaskQueue implements OnApplicationShutdown {
  private readonly queue: Bull.Queue<TaskJob>;

  constructor(@Inject(CONFIG) config: TransferConfig, @Inject(LOGGER) private readonly logger: Logger) {
    this.queue = new Bull<TaskJob>(QUEUE, config.REDIS_URL, {
      settings: { lockDuration: 30_000, stalledInterval: 15_000, maxStalledCount: 1 },
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

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

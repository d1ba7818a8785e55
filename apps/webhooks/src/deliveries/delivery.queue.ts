import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Bull from 'bull';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, queueJobOutcomes, registerQueueDepth } from '@app/common';
import { queueName, type WebhooksConfig } from '../webhooks.config';

/** One attempt of one delivery: the payload shared by producer and processor. */
export interface DeliveryJob {
  deliveryId: string;
  appId: string;
  /** 1-based attempt number this job makes. */
  attempt: number;
}

/**
 * The Bull queue of delivery attempts. Job ids are `<delivery>.<attempt>`, so
 * adding the same attempt twice (a rebuild, a sweep, a redelivered Kafka
 * message) never makes two jobs while the first is still queued or running.
 */
@Injectable()
export class DeliveryQueue implements OnApplicationShutdown {
  private readonly queue: Bull.Queue<DeliveryJob>;

  constructor(@Inject(CONFIG) config: WebhooksConfig, @Inject(LOGGER) private readonly logger: Logger) {
    // A worker killed mid-attempt leaves its job locked; after the lock expires the stall check puts it back.
    const lockDuration = config.WEBHOOK_TIMEOUT + 15_000;
    this.queue = new Bull<DeliveryJob>(queueName(config), config.REDIS_URL, {
      settings: { lockDuration, stalledInterval: Math.min(lockDuration, 10_000), maxStalledCount: 10 },
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    this.queue.on('error', (err) => this.logger.error({ err: String(err) }, 'webhooks.queue.error'));
    const name = 'webhook-deliveries';
    this.queue.on('completed', () => queueJobOutcomes.inc({ queue: name, outcome: 'completed' }));
    this.queue.on('failed', () => queueJobOutcomes.inc({ queue: name, outcome: 'failed' }));
    registerQueueDepth(name, () => this.queue.getJobCounts() as unknown as Promise<Record<string, number>>);
  }

  static jobId(job: Pick<DeliveryJob, 'deliveryId' | 'attempt'>): string {
    return `${job.deliveryId}.${job.attempt}`;
  }

  async add(job: DeliveryJob, at: Date | null): Promise<void> {
    await this.queue.add(job, { jobId: DeliveryQueue.jobId(job), delay: delayUntil(at) });
  }

  async addMany(jobs: Array<{ job: DeliveryJob; at: Date | null }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map(({ job, at }) => ({ data: job, opts: { jobId: DeliveryQueue.jobId(job), delay: delayUntil(at) } })));
  }

  process(concurrency: number, handler: (job: DeliveryJob) => Promise<void>): void {
    void this.queue.process(concurrency, (job) => handler(job.data));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

function delayUntil(at: Date | null): number {
  return at ? Math.max(0, at.getTime() - Date.now()) : 0;
}

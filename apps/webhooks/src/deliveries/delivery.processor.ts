import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, deliveryAttempts, LOGGER, MicroBatcher, PING_EVENT } from '@app/common';
import { ReceiverClient } from '../delivery-http/receiver.client';
import { signedHeaders } from '../delivery-http/signing';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import type { WebhooksConfig } from '../webhooks.config';
import type { DeliveryStatus } from './delivery.entity';
import { DeliveryQueue, type DeliveryJob } from './delivery.queue';
import { DeliveryRepository, type AttemptToRecord, type DeliveryToSend } from './delivery.repository';
import { nextAttemptAt } from './schedule';
import { FileWatchAnnouncer } from '../subscriptions/file-watch.announcer';

const REBUILD_BATCH = 1000;
/** A pending delivery this late has lost its job (Redis lost data, a crash between two steps). */
const OVERDUE_MS = 30_000;

/**
 * Makes delivery attempts from the Bull queue. Postgres is the truth: a job
 * only names a delivery and an attempt number; a job that no longer matches
 * the delivery's state (already made, delivery gone) does nothing. At start,
 * and then every sweep interval, jobs are rebuilt from pending deliveries.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | undefined;
  /** Attempts that end together are recorded in one transaction (with their endpoints' failure counts). */
  private readonly recorder: MicroBatcher<AttemptToRecord, boolean>;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly fileWatch: FileWatchAnnouncer,
    private readonly queue: DeliveryQueue,
    private readonly receiver: ReceiverClient,
    @Inject(CONFIG) private readonly config: WebhooksConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.recorder = new MicroBatcher((items) => this.record(items), { maxItems: 200, maxWaitMs: 2 });
  }

  /** One transaction for the batch; if the database refuses it, each on its own, so one bad record fails alone. */
  private async record(items: AttemptToRecord[]): Promise<PromiseSettledResult<boolean>[]> {
    try {
      return (await this.deliveries.recordAttempts(items)).map((value) => ({ status: 'fulfilled', value }));
    } catch (err) {
      if (items.length === 1) throw err;
      return Promise.allSettled(items.map(async (item) => (await this.deliveries.recordAttempts([item]))[0]));
    }
  }

  onApplicationBootstrap(): void {
    this.queue.process(this.config.WEBHOOK_CONCURRENCY, (job) => this.attempt(job));
    // Rebuild in the background: a large backlog must not hold start-up.
    void this.requeuePending(new Date(8.64e15)).then(
      (n) => this.logger.info({ deliveries: n }, 'webhooks.queue.rebuilt'),
      (err) => this.logger.error({ err: String(err) }, 'webhooks.queue.rebuild.failed'),
    );
    this.sweeper = setInterval(() => {
      this.requeuePending(new Date(Date.now() - OVERDUE_MS), REBUILD_BATCH).then(
        (n) => n > 0 && this.logger.warn({ deliveries: n }, 'webhooks.queue.swept'),
        (err) => this.logger.error({ err: String(err) }, 'webhooks.queue.sweep.failed'),
      );
    }, this.config.WEBHOOK_SWEEP_INTERVAL);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.receiver.close();
  }

  /** Puts a job on the queue for every pending retry due before `dueBefore` (idempotent: job ids are deterministic). */
  async requeuePending(dueBefore: Date, max = Number.POSITIVE_INFINITY): Promise<number> {
    let count = 0;
    let after: { at: Date; id: string } | undefined;
    while (count < max) {
      const batch = await this.deliveries.pendingDueBefore(dueBefore, Math.min(REBUILD_BATCH, max - count), after);
      if (batch.length === 0) break;
      await this.queue.addMany(batch.map((d) => ({ job: { deliveryId: d.id, appId: d.appId, attempt: d.attemptCount + 1 }, at: d.nextAttemptAt })));
      count += batch.length;
      const last = batch[batch.length - 1];
      after = { at: last.nextAttemptAt!, id: last.id };
    }
    return count;
  }

  /** One attempt from the queue (a retry): load the delivery, then `deliver`. */
  async attempt(job: DeliveryJob): Promise<void> {
    const found = await this.deliveries.loadForSend({ appId: job.appId }, job.deliveryId);
    if (!found) return; // deleted with its endpoint
    await this.deliver(found, job.attempt);
  }

  /** Attempt number `attemptNumber` of a loaded delivery: sign, POST, record, then schedule the next attempt or settle it. */
  async deliver(found: DeliveryToSend, attemptNumber: number): Promise<void> {
    const job: DeliveryJob = { deliveryId: found.delivery.id, appId: found.delivery.appId, attempt: attemptNumber };
    const scope = { appId: job.appId };
    const { delivery, event, endpoint } = found;
    if (delivery.status !== 'pending' || delivery.attemptCount !== job.attempt - 1) return; // stale job: already made
    const isPing = event.type === PING_EVENT;
    if (!endpoint.active && !isPing) {
      await this.deliveries.abandon(scope, delivery.id, 'Not sent: the endpoint is disabled.');
      return;
    }

    const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data });
    const startedAt = new Date();
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > startedAt) secrets.push(endpoint.previousSecret);
    const headers = signedHeaders(secrets, event.id, Math.floor(startedAt.getTime() / 1000), body);
    const result = await this.receiver.post(endpoint.url, headers, body);

    const success = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const gone = result.statusCode === 410;
    const firstAttemptAt = delivery.firstAttemptAt ?? startedAt;
    let status: DeliveryStatus = success ? 'succeeded' : 'failed';
    let next: Date | null = null;
    if (!success && !gone && job.attempt < delivery.maxAttempts) {
      next = nextAttemptAt(this.config.WEBHOOK_RETRY_SCHEDULE, firstAttemptAt, job.attempt + 1, new Date());
      if (next) status = 'pending';
    }
    const recorded = await this.recorder.run({
      appId: scope.appId,
      deliveryId: delivery.id,
      attempt: { attempt: job.attempt, startedAt, statusCode: result.statusCode, latencyMs: result.latencyMs, response: result.response, error: result.error, success },
      outcome: { status, nextAttemptAt: next, firstAttemptAt: delivery.firstAttemptAt ? undefined : startedAt },
      clearFailuresOf: success && !isPing ? endpoint.id : undefined,
    });
    this.logger.info(
      { deliveryId: delivery.id, webhookId: endpoint.id, eventType: event.type, attempt: job.attempt, statusCode: result.statusCode, error: result.error, latencyMs: result.latencyMs, outcome: status, recorded },
      'webhooks.delivery.attempt',
    );
    if (!recorded) return; // another worker made this attempt first
    deliveryAttempts.inc({ outcome: success ? 'delivered' : status === 'pending' ? 'retrying' : 'failed' });

    if (gone) {
      await this.subscriptions.disable(scope, endpoint.id, 'Disabled because the receiver answered 410 Gone.');
      this.logger.warn({ webhookId: endpoint.id }, 'webhooks.endpoint.disabled.gone');
      await this.fileWatch.announce(scope.appId);
    } else if (!isPing && status === 'failed') {
      if (await this.subscriptions.countFailure(scope, endpoint.id, this.config.WEBHOOK_DISABLE_AFTER_FAILURES)) {
        this.logger.warn({ webhookId: endpoint.id }, 'webhooks.endpoint.disabled.failures');
        await this.fileWatch.announce(scope.appId);
      }
    }
    if (status === 'pending') {
      // If this fails the sweeper re-adds it: the delivery is pending in Postgres with its due time.
      await this.queue.add({ ...job, attempt: job.attempt + 1 }, next).catch((err) => this.logger.error({ err: String(err), deliveryId: delivery.id }, 'webhooks.queue.add.failed'));
    }
  }
}

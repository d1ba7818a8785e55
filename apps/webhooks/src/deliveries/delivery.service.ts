import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppError, LOGGER, NotFoundError, objectList, type MessageMeta, type ObjectList, type PublicDelivery } from '@app/common';
import { EventRepository } from '../events/event.repository';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import type { DeliveryStatus } from './delivery.entity';
import { toPublicDelivery } from './delivery.mapper';
import { DeliveryQueue } from './delivery.queue';
import { DeliveryClaimer } from './delivery.claimer';
import { DeliveryRepository } from './delivery.repository';

/** A retry asked for a delivery that still has attempts scheduled. */
export class DeliveryPendingError extends AppError {
  constructor(next: Date | null) {
    super('data_conflict', `The delivery is still pending${next ? `; its next attempt is at ${next.toISOString()}` : ''}. Only a succeeded or failed delivery can be retried.`);
  }
}

/** The delivery log and its controls: list, manual retry, ping. */
@Injectable()
export class DeliveryService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly events: EventRepository,
    private readonly queue: DeliveryQueue,
    private readonly claimer: DeliveryClaimer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async list(meta: MessageMeta, webhookId: string, opts: { page: number; pageSize: number; status?: DeliveryStatus }): Promise<ObjectList<PublicDelivery>> {
    await this.requireEndpoint(meta, webhookId);
    const { rows, attempts, total } = await this.deliveries.page(meta, webhookId, opts);
    if (rows.length === 0 && opts.page > 1) throw new NotFoundError(`Page ${opts.page} is past the last page.`);
    return objectList('webhooks', rows.map((r) => toPublicDelivery(r, attempts.get(r.id) ?? [])), opts.page, opts.page * opts.pageSize < total, total);
  }

  /** One more attempt, now, with the same webhook-id. */
  async retry(meta: MessageMeta, webhookId: string, deliveryId: string): Promise<PublicDelivery> {
    await this.requireEndpoint(meta, webhookId);
    const existing = await this.deliveries.findOne(meta, webhookId, deliveryId);
    if (!existing) throw new NotFoundError(`Delivery ${deliveryId} was not found.`);
    const reopened = await this.deliveries.reopen(meta, deliveryId);
    if (!reopened) throw new DeliveryPendingError(existing.nextAttemptAt);
    // A first attempt is the claimer's (it claims pending deliveries never attempted); later ones go through the queue.
    if (reopened.attemptCount === 0) this.claimer.wake();
    else await this.queue.add({ deliveryId, appId: meta.appId, attempt: reopened.attemptCount + 1 }, null);
    this.logger.info({ deliveryId, webhookId }, 'webhooks.delivery.retry');
    return this.present(reopened);
  }

  /** Sends a `ping` to the endpoint now, whatever its event filter. */
  async ping(meta: MessageMeta, webhookId: string): Promise<PublicDelivery> {
    await this.requireEndpoint(meta, webhookId);
    const stored = await this.events.storePing(meta, webhookId, { webhook: webhookId, message: 'Test event from the webhooks API.' });
    this.claimer.wake();
    const row = await this.deliveries.findOne(meta, webhookId, stored.id);
    return this.present(row!);
  }

  private async present(row: NonNullable<Awaited<ReturnType<DeliveryRepository['findOne']>>>): Promise<PublicDelivery> {
    const attempts = await this.deliveries.attemptsOf([row.id]);
    return toPublicDelivery(row, attempts.get(row.id) ?? []);
  }

  private async requireEndpoint(meta: MessageMeta, webhookId: string) {
    const row = await this.subscriptions.findOne(meta, webhookId);
    if (!row) throw new NotFoundError(`Webhook ${webhookId} was not found.`);
    return row;
  }
}

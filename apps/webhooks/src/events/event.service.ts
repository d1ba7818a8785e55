import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, describeZodError, domainEventSchema, EVENT_CATALOG, isEventType, LOGGER } from '@app/common';
import { DeliveryQueue } from '../deliveries/delivery.queue';
import type { WebhooksConfig } from '../webhooks.config';
import { EventRepository } from './event.repository';

/** Turns one domain event from Kafka into stored, queued deliveries. */
@Injectable()
export class EventService {
  constructor(
    private readonly events: EventRepository,
    private readonly queue: DeliveryQueue,
    @Inject(CONFIG) private readonly config: WebhooksConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Validates, then stores the event and its deliveries before returning, so
   * Kafka commits the offset only once nothing can be lost. A bad message is
   * logged and skipped (retrying it would never succeed). A database failure
   * throws: the message is not committed and comes again.
   */
  async ingest(topic: string, payload: unknown): Promise<void> {
    const parsed = domainEventSchema.safeParse(payload);
    if (!parsed.success) {
      this.logger.warn({ topic, problem: describeZodError(parsed.error) }, 'webhooks.event.invalid');
      return;
    }
    const event = parsed.data;
    if (event.type !== topic || !isEventType(event.type)) {
      this.logger.warn({ topic, type: event.type, eventId: event.id }, 'webhooks.event.type_mismatch');
      return;
    }
    const data = EVENT_CATALOG[event.type].schema.safeParse(event.data);
    if (!data.success) {
      this.logger.warn({ topic, eventId: event.id, problem: describeZodError(data.error) }, 'webhooks.event.invalid_data');
      return;
    }
    const deliveries = await this.events.storeAndFanOut(
      { id: event.id, appId: event.appId, type: event.type, accountId: event.accountId ?? null, occurredAt: new Date(event.occurredAt), data: event.data },
      this.config.WEBHOOK_RETRY_SCHEDULE.length,
    );
    // Stored: from here on the sweeper would find them even if queuing fails.
    try {
      await this.queue.addMany(deliveries.map((d) => ({ job: { deliveryId: d.id, appId: d.appId, attempt: 1 }, at: null })));
    } catch (err) {
      this.logger.error({ err: String(err), eventId: event.id }, 'webhooks.queue.add.failed');
    }
  }
}

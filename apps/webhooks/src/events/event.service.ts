import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, deadLetterTopic, describeZodError, domainEventSchema, EVENT_CATALOG, isEventType, LOGGER, MicroBatcher, RPC_CLIENT, RpcClient } from '@app/common';
import { DeliveryClaimer } from '../deliveries/delivery.claimer';
import type { WebhooksConfig } from '../webhooks.config';
import { EventRepository, type IncomingEvent } from './event.repository';

/** Turns domain events from Kafka into stored, queued deliveries. */
@Injectable()
export class EventService {
  /** Events handled at once (the Kafka server runs up to KAFKA_HANDLER_CONCURRENCY handlers) are stored in one transaction. */
  private readonly intake: MicroBatcher<IncomingEvent, void>;

  constructor(
    private readonly events: EventRepository,
    private readonly claimer: DeliveryClaimer,
    @Inject(CONFIG) private readonly config: WebhooksConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RPC_CLIENT) private readonly kafka: RpcClient,
  ) {
    this.intake = new MicroBatcher((batch) => this.store(batch), { maxItems: config.WEBHOOK_INTAKE_BATCH, maxWaitMs: 2 });
  }

  /**
   * Validates, then stores the event and its deliveries before returning, so
   * Kafka commits the offset only once nothing can be lost. A bad message is
   * parked on `<topic>.dlq` with the reason (retrying it would never succeed);
   * if even that fails, it throws and the message comes again. A database
   * failure throws too: the message is not committed and comes again.
   */
  async ingest(topic: string, payload: unknown): Promise<void> {
    const parsed = domainEventSchema.safeParse(payload);
    if (!parsed.success) {
      return this.park(topic, payload, `invalid event: ${describeZodError(parsed.error)}`);
    }
    const event = parsed.data;
    if (event.type !== topic || !isEventType(event.type)) {
      return this.park(topic, payload, `event type "${event.type}" does not belong on this topic or is not in the catalog`);
    }
    const data = EVENT_CATALOG[event.type].schema.safeParse(event.data);
    if (!data.success) {
      return this.park(topic, payload, `invalid ${event.type} data: ${describeZodError(data.error)}`);
    }
    await this.intake.run({ id: event.id, appId: event.appId, type: event.type, accountId: event.accountId ?? null, occurredAt: new Date(event.occurredAt), data: event.data });
  }

  /**
   * One transaction for the batch; then the claimer is woken to make the first
   * attempts. If the batch fails, each event is stored on its own, so one event
   * the database refuses is retried alone while the others are committed.
   */
  private async store(batch: IncomingEvent[]): Promise<PromiseSettledResult<void>[]> {
    const maxAttempts = this.config.WEBHOOK_RETRY_SCHEDULE.length;
    let results: PromiseSettledResult<void>[];
    try {
      await this.events.storeAndFanOut(batch, maxAttempts);
      results = batch.map(() => ({ status: 'fulfilled', value: undefined }));
    } catch (err) {
      if (batch.length === 1) throw err;
      const each = await Promise.allSettled(batch.map((e) => this.events.storeAndFanOut([e], maxAttempts)));
      results = each.map((r) => (r.status === 'fulfilled' ? { status: 'fulfilled', value: undefined } : r));
    }
    // Stored as pending deliveries: the claimer sends them (this instance's at once, others' on their next poll).
    this.claimer.wake();
    return results;
  }

  private async park(topic: string, payload: unknown, reason: string): Promise<void> {
    this.logger.warn({ topic, reason }, 'webhooks.event.dead_lettered');
    await this.kafka.emit(deadLetterTopic(topic), topic, { topic, reason, payload, parkedAt: new Date().toISOString() });
  }
}

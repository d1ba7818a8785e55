import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DomainEvent, MessageMeta } from '../contracts';
import { eventsPublished } from '../metrics/metrics';
import type { RpcClient } from './rpc-client';

/** Publishes domain events keyed by account id. A failed publish is logged, never thrown at the caller. */
export class EventPublisher {
  constructor(private readonly rpc: RpcClient, private readonly logger: Logger) {}

  async publish<T>(type: string, meta: Pick<MessageMeta, 'appId' | 'requestId'>, accountId: number | undefined, data: T): Promise<DomainEvent<T>> {
    const event: DomainEvent<T> = {
      id: randomUUID(),
      type,
      occurredAt: new Date().toISOString(),
      appId: meta.appId,
      accountId,
      requestId: meta.requestId,
      data,
    };
    try {
      await this.rpc.emit(type, String(accountId ?? meta.appId), event);
      eventsPublished.inc({ topic: type });
    } catch (err) {
      this.logger.error({ err: String(err), type }, 'event.publish.failed');
    }
    return event;
  }
}

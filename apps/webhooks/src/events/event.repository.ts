import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface IncomingEvent {
  id: string;
  appId: string;
  type: string;
  accountId: number | null;
  occurredAt: Date;
  data: unknown;
}

export interface StoredDelivery {
  id: string;
  appId: string;
}

/**
 * Events and the deliveries they fan out to, written in one transaction: once
 * this returns, the event is durable and every matching endpoint has a
 * pending delivery, so the Kafka offset may be committed.
 */
@Injectable()
export class EventRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores the event (once: a redelivered Kafka message changes nothing) and a
   * pending delivery for each active endpoint of its app that subscribes to its
   * type. Returns the deliveries still waiting for their first attempt.
   */
  storeAndFanOut(event: IncomingEvent, maxAttempts: number): Promise<StoredDelivery[]> {
    return this.db.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO events (id, app_id, type, account_id, occurred_at, data) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.appId, event.type, event.accountId, event.occurredAt, JSON.stringify(event.data ?? null)],
      );
      if (inserted.length > 0) {
        return tx.query(
          `INSERT INTO deliveries (id, app_id, subscription_id, event_id, event_type, status, max_attempts, next_attempt_at)
           SELECT gen_random_uuid(), s.app_id, s.id, $2::text, $3::text, 'pending', $4::integer, now()
           FROM subscriptions s
           WHERE s.app_id = $1 AND s.active AND (s.events @> ARRAY['*'] OR s.events @> ARRAY[$3::text])
             -- An endpoint hears of what happened after it was created, not before (matters when a
             -- new consumer group starts from the beginning of the topic).
             AND s.created_at <= $5::timestamptz
           ON CONFLICT (subscription_id, event_id) DO NOTHING
           RETURNING id, app_id AS "appId"`,
          [event.appId, event.id, event.type, maxAttempts, event.occurredAt],
        );
      }
      // Seen before (Kafka redelivered it): its deliveries exist; hand back those not yet attempted.
      return tx.query(
        `SELECT id, app_id AS "appId" FROM deliveries WHERE event_id = $1 AND app_id = $2 AND status = 'pending' AND attempt_count = 0`,
        [event.id, event.appId],
      );
    });
  }

  /** A ping for one endpoint: a stored event of type `ping` and its single delivery. */
  storePing(scope: { appId: string }, subscriptionId: string, data: unknown): Promise<StoredDelivery> {
    return this.db.transaction(async (tx) => {
      const id = randomUUID();
      await tx.query(`INSERT INTO events (id, app_id, type, account_id, occurred_at, data) VALUES ($1, $2, 'ping', NULL, now(), $3)`, [
        id,
        scope.appId,
        JSON.stringify(data),
      ]);
      const rows: StoredDelivery[] = await tx.query(
        `INSERT INTO deliveries (id, app_id, subscription_id, event_id, event_type, status, max_attempts, next_attempt_at)
         VALUES (gen_random_uuid(), $1, $2, $3, 'ping', 'pending', 1, now()) RETURNING id, app_id AS "appId"`,
        [scope.appId, subscriptionId, id],
      );
      return rows[0];
    });
  }
}

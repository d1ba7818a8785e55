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
   * Stores a batch of events (each once: a redelivered Kafka message changes
   * nothing) and a pending delivery for each active endpoint of its app that
   * subscribes to its type, in one transaction of three statements whatever
   * the batch size. Returns, per event in order, its deliveries still waiting
   * for their first attempt.
   */
  storeAndFanOut(events: IncomingEvent[], maxAttempts: number): Promise<StoredDelivery[][]> {
    if (events.length === 0) return Promise.resolve([]);
    const ids = events.map((e) => e.id);
    return this.db.transaction(async (tx) => {
      const inserted: { id: string }[] = await tx.query(
        `INSERT INTO events (id, app_id, type, account_id, occurred_at, data)
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::integer[], $5::timestamptz[], $6::jsonb[])
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [ids, events.map((e) => e.appId), events.map((e) => e.type), events.map((e) => e.accountId), events.map((e) => e.occurredAt), events.map((e) => JSON.stringify(e.data ?? null))],
      );
      const fresh = new Set(inserted.map((r) => r.id));
      const news = events.filter((e) => fresh.has(e.id));
      const created: (StoredDelivery & { eventId: string })[] = news.length === 0 ? [] : await tx.query(
        `INSERT INTO deliveries (id, app_id, subscription_id, event_id, event_type, status, max_attempts, next_attempt_at)
         SELECT gen_random_uuid(), s.app_id, s.id, e.id, e.type, 'pending', $5::integer, now()
         FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::timestamptz[]) AS e(id, app_id, type, occurred_at)
         JOIN subscriptions s ON s.app_id = e.app_id AND s.active AND (s.events @> ARRAY['*'] OR s.events @> ARRAY[e.type::text])
           -- An endpoint hears of what happened after it was created, not before (matters when a
           -- new consumer group starts from the beginning of the topic).
           AND s.created_at <= e.occurred_at
         ON CONFLICT (subscription_id, event_id) DO NOTHING
         RETURNING id, app_id AS "appId", event_id AS "eventId"`,
        [news.map((e) => e.id), news.map((e) => e.appId), news.map((e) => e.type), news.map((e) => e.occurredAt), maxAttempts],
      );
      // Seen before (Kafka redelivered them): their deliveries exist; hand back those not yet attempted.
      const seen = events.filter((e) => !fresh.has(e.id));
      const waiting: (StoredDelivery & { eventId: string })[] = seen.length === 0 ? [] : await tx.query(
        `SELECT d.id, d.app_id AS "appId", d.event_id AS "eventId" FROM deliveries d
         JOIN unnest($1::varchar[], $2::varchar[]) AS e(id, app_id) ON d.event_id = e.id AND d.app_id = e.app_id
         WHERE d.status = 'pending' AND d.attempt_count = 0`,
        [seen.map((e) => e.id), seen.map((e) => e.appId)],
      );
      const byEvent = new Map<string, StoredDelivery[]>(ids.map((id) => [id, []]));
      for (const d of [...created, ...waiting]) byEvent.get(d.eventId)?.push({ id: d.id, appId: d.appId });
      return ids.map((id) => byEvent.get(id)!);
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

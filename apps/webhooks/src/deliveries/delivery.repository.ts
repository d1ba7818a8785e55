import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import { signingSecretSealing } from '../subscriptions/subscription.entity';
import { isUuid, type AppScope } from '../subscriptions/subscription.repository';
import { AttemptEntity } from './attempt.entity';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity';

/** What an attempt needs: the delivery, its event and its endpoint, read together. */
export interface DeliveryToSend {
  delivery: DeliveryEntity;
  event: { id: string; type: string; occurredAt: Date; data: unknown };
  endpoint: {
    id: string;
    url: string;
    active: boolean;
    secret: string;
    previousSecret: string | null;
    previousSecretExpiresAt: Date | null;
  };
}

export interface AttemptRecord {
  attempt: number;
  startedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  response: string | null;
  error: string | null;
  success: boolean;
}

/** One attempt to record: what happened, the delivery's new state, and (after a success) the endpoint whose failure count goes back to 0. */
export interface AttemptToRecord {
  appId: string;
  deliveryId: string;
  attempt: AttemptRecord;
  outcome: DeliveryOutcome;
  clearFailuresOf?: string;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  /** Set on attempt 1. */
  firstAttemptAt?: Date;
}

/** What sending needs of a delivery, its event and its endpoint (`d`, `e`, `s`). */
const SEND_COLUMNS = `d.id, d.app_id, d.subscription_id, d.event_id, d.event_type, d.status, d.attempt_count, d.max_attempts,
  d.first_attempt_at, d.next_attempt_at, d.claimed_until, d.last_error, d.created_at, d.updated_at,
  e.type, e.occurred_at, e.data, s.url, s.active, s.secret, s.previous_secret, s.previous_secret_expires_at`;

interface SendRow {
  id: string; app_id: string; subscription_id: string; event_id: string; event_type: string; status: DeliveryStatus;
  attempt_count: number; max_attempts: number; first_attempt_at: Date | null; next_attempt_at: Date | null; claimed_until: Date | null;
  last_error: string | null; created_at: Date; updated_at: Date;
  type: string; occurred_at: Date; data: unknown; url: string; active: boolean; secret: string; previous_secret: string | null; previous_secret_expires_at: Date | null;
}

function toSend(row: SendRow): DeliveryToSend {
  const delivery = Object.assign(new DeliveryEntity(), {
    id: row.id, appId: row.app_id, subscriptionId: row.subscription_id, eventId: row.event_id, eventType: row.event_type, status: row.status,
    attemptCount: row.attempt_count, maxAttempts: row.max_attempts, firstAttemptAt: row.first_attempt_at, nextAttemptAt: row.next_attempt_at,
    claimedUntil: row.claimed_until, lastError: row.last_error, createdAt: row.created_at, updatedAt: row.updated_at,
  });
  return {
    delivery,
    event: { id: row.event_id, type: row.type, occurredAt: new Date(row.occurred_at), data: row.data },
    endpoint: {
      id: row.subscription_id,
      url: row.url,
      active: row.active,
      // A raw query bypasses the entity's transformer: open the sealed secrets here.
      secret: signingSecretSealing.from(row.secret)!,
      previousSecret: signingSecretSealing.from(row.previous_secret) ?? null,
      previousSecretExpiresAt: row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null,
    },
  };
}

@Injectable()
export class DeliveryRepository {
  constructor(
    @InjectRepository(DeliveryEntity) private readonly deliveries: Repository<DeliveryEntity>,
    @InjectRepository(AttemptEntity) private readonly attempts: Repository<AttemptEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  findOne(scope: AppScope, subscriptionId: string, id: string): Promise<DeliveryEntity | null> {
    if (!isUuid(id) || !isUuid(subscriptionId)) return Promise.resolve(null);
    return this.deliveries.findOneBy({ appId: scope.appId, subscriptionId, id });
  }

  /** Newest first, with each delivery's attempts (oldest first). */
  async page(
    scope: AppScope,
    subscriptionId: string,
    opts: { page: number; pageSize: number; status?: DeliveryStatus },
  ): Promise<{ rows: DeliveryEntity[]; attempts: Map<string, AttemptEntity[]>; total: number }> {
    const where = { appId: scope.appId, subscriptionId, ...(opts.status ? { status: opts.status } : {}) };
    const [rows, total] = await this.deliveries.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
    });
    return { rows, attempts: await this.attemptsOf(rows.map((r) => r.id)), total };
  }

  async attemptsOf(deliveryIds: string[]): Promise<Map<string, AttemptEntity[]>> {
    const map = new Map<string, AttemptEntity[]>();
    if (deliveryIds.length === 0) return map;
    const all = await this.attempts.find({ where: { deliveryId: In(deliveryIds) }, order: { attempt: 'ASC' } });
    for (const a of all) {
      const list = map.get(a.deliveryId) ?? [];
      list.push(a);
      map.set(a.deliveryId, list);
    }
    return map;
  }

  /** The delivery with its event and endpoint, in one query; null when it is gone (deleted with its endpoint). */
  async loadForSend(scope: AppScope, deliveryId: string): Promise<DeliveryToSend | null> {
    const [row] = await this.db.query(
      `SELECT ${SEND_COLUMNS}
       FROM deliveries d JOIN events e ON e.id = d.event_id JOIN subscriptions s ON s.id = d.subscription_id AND s.app_id = d.app_id
       WHERE d.id = $1 AND d.app_id = $2`,
      [deliveryId, scope.appId],
    );
    return row ? toSend(row) : null;
  }

  /**
   * Claims up to `limit` first attempts that are due, oldest first, for
   * `leaseMs` (another worker may take one whose lease ran out: its claimer
   * died), skipping rows other workers hold, and returns them ready to send.
   */
  async claimFirstAttempts(limit: number, leaseMs: number): Promise<DeliveryToSend[]> {
    const rows: SendRow[] = await this.db.query(
      `WITH claimed AS (
         UPDATE deliveries d SET claimed_until = now() + make_interval(secs => $2::double precision / 1000)
         FROM (SELECT id FROM deliveries
               WHERE status = 'pending' AND attempt_count = 0 AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
         WHERE d.id = due.id
         RETURNING d.*)
       SELECT ${SEND_COLUMNS}
       FROM claimed d JOIN events e ON e.id = d.event_id JOIN subscriptions s ON s.id = d.subscription_id AND s.app_id = d.app_id`,
      [limit, leaseMs],
    );
    return rows.map(toSend);
  }

  /**
   * Records a batch of attempts and their deliveries' new states in one
   * transaction, each only if no other worker recorded it first (the delivery
   * must still be pending at attempt_count = attempt - 1), and clears the
   * failure count of the endpoints that just succeeded. Returns, per item,
   * whether it was recorded (false: it lost that race).
   */
  recordAttempts(items: AttemptToRecord[]): Promise<boolean[]> {
    return this.db.transaction(async (tx) => {
      const col = <T>(f: (i: AttemptToRecord) => T) => items.map(f);
      // An UPDATE answers [rows, count] through TypeORM's Postgres driver.
      const [updated]: [{ id: string }[], number] = await tx.query(
        `UPDATE deliveries d SET attempt_count = v.attempt, status = v.status, next_attempt_at = v.next_at,
           first_attempt_at = COALESCE(d.first_attempt_at, v.first_at), last_error = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::varchar[], $3::integer[], $4::varchar[], $5::timestamptz[], $6::timestamptz[]) AS v(id, app_id, attempt, status, next_at, first_at)
         WHERE d.id = v.id AND d.app_id = v.app_id AND d.status = 'pending' AND d.attempt_count = v.attempt - 1
         RETURNING d.id`,
        [col((i) => i.deliveryId), col((i) => i.appId), col((i) => i.attempt.attempt), col((i) => i.outcome.status), col((i) => i.outcome.nextAttemptAt), col((i) => i.outcome.firstAttemptAt ?? null)],
      );
      const won = new Set(updated.map((r) => r.id));
      // One item per delivery wins (a delivery twice in a batch is a stale job beside a live one).
      const recorded = items.map((i) => won.delete(i.deliveryId));
      const kept = items.filter((_, n) => recorded[n]);
      if (kept.length > 0) {
        const a = (f: (r: AttemptRecord) => unknown) => kept.map((k) => f(k.attempt));
        await tx.query(
          `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, status_code, latency_ms, response, error, success)
           SELECT * FROM unnest($1::uuid[], $2::integer[], $3::timestamptz[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::boolean[])`,
          [kept.map((k) => k.deliveryId), a((r) => r.attempt), a((r) => r.startedAt), a((r) => r.statusCode), a((r) => r.latencyMs), a((r) => r.response), a((r) => r.error), a((r) => r.success)],
        );
        const healthy = [...new Set(kept.filter((k) => k.clearFailuresOf).map((k) => k.clearFailuresOf!))];
        if (healthy.length > 0) {
          await tx.query(`UPDATE subscriptions SET consecutive_failures = 0 WHERE id = ANY($1::uuid[]) AND consecutive_failures <> 0`, [healthy]);
        }
      }
      return recorded;
    });
  }

  /** Ends a pending delivery without an attempt (its endpoint is disabled or gone). */
  async abandon(scope: AppScope, deliveryId: string, reason: string): Promise<void> {
    await this.deliveries
      .createQueryBuilder()
      .update()
      .set({ status: 'failed', nextAttemptAt: null, lastError: reason })
      .where(`app_id = :appId AND id = :id AND status = 'pending'`, { appId: scope.appId, id: deliveryId })
      .execute();
  }

  /** A manual retry: one more attempt, now. Only for a delivery that is not pending. */
  async reopen(scope: AppScope, deliveryId: string): Promise<DeliveryEntity | null> {
    // An UPDATE answers [rows, affected].
    const [rows]: [Array<{ id: string }>, number] = await this.db.query(
      `UPDATE deliveries SET status = 'pending', max_attempts = attempt_count + 1, next_attempt_at = now(), last_error = NULL, updated_at = now()
       WHERE app_id = $1 AND id = $2 AND status <> 'pending' RETURNING id`,
      [scope.appId, deliveryId],
    );
    if (rows.length === 0) return null;
    return this.deliveries.findOneBy({ appId: scope.appId, id: deliveryId });
  }

  /**
   * Pending retries (attempt 2 on) due before `dueBefore`, oldest first: what
   * the queue must hold (first attempts are claimed from Postgres, never
   * queued). Used at start (rebuild after Redis lost data) and by the sweeper.
   * Crosses apps on purpose: it is the service's own housekeeping, not a request.
   */
  async pendingDueBefore(dueBefore: Date, limit: number, after?: { at: Date; id: string }): Promise<Array<Pick<DeliveryEntity, 'id' | 'appId' | 'attemptCount' | 'nextAttemptAt'>>> {
    const rows: Array<{ id: string; app_id: string; attempt_count: number; next_attempt_at: Date }> = await this.db.query(
      `SELECT id, app_id, attempt_count, next_attempt_at FROM deliveries
       WHERE status = 'pending' AND attempt_count > 0 AND next_attempt_at <= $1
         AND ($3::timestamptz IS NULL OR (next_attempt_at, id) > ($3, $4::uuid))
       ORDER BY next_attempt_at, id LIMIT $2`,
      [dueBefore, limit, after?.at ?? null, after?.id ?? null],
    );
    return rows.map((r) => ({ id: r.id, appId: r.app_id, attemptCount: r.attempt_count, nextAttemptAt: new Date(r.next_attempt_at) }));
  }
}

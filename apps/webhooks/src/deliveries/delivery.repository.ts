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

export interface DeliveryOutcome {
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  /** Set on attempt 1. */
  firstAttemptAt?: Date;
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

  async loadForSend(scope: AppScope, deliveryId: string): Promise<DeliveryToSend | null> {
    const delivery = await this.deliveries.findOneBy({ appId: scope.appId, id: deliveryId });
    if (!delivery) return null;
    const [row] = await this.db.query(
      `SELECT e.id AS event_id, e.type, e.occurred_at, e.data,
              s.id AS sub_id, s.url, s.active, s.secret, s.previous_secret, s.previous_secret_expires_at
       FROM events e, subscriptions s
       WHERE e.id = $1 AND s.id = $2 AND s.app_id = $3`,
      [delivery.eventId, delivery.subscriptionId, scope.appId],
    );
    if (!row) return null;
    return {
      delivery,
      event: { id: row.event_id, type: row.type, occurredAt: new Date(row.occurred_at), data: row.data },
      endpoint: {
        id: row.sub_id,
        url: row.url,
        active: row.active,
        // A raw query bypasses the entity's transformer: open the sealed secrets here.
        secret: signingSecretSealing.from(row.secret)!,
        previousSecret: signingSecretSealing.from(row.previous_secret) ?? null,
        previousSecretExpiresAt: row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null,
      },
    };
  }

  /**
   * Records attempt `attempt.attempt` and the delivery's new state, only if no
   * other worker recorded it first (the delivery must still be pending at
   * attempt_count = attempt - 1). Returns false when it lost that race.
   */
  recordAttempt(scope: AppScope, deliveryId: string, attempt: AttemptRecord, outcome: DeliveryOutcome): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [, affected] = (await tx.query(
        `UPDATE deliveries SET attempt_count = $3, status = $4, next_attempt_at = $5,
           first_attempt_at = COALESCE(first_attempt_at, $6), last_error = NULL, updated_at = now()
         WHERE app_id = $1 AND id = $2 AND status = 'pending' AND attempt_count = $3 - 1`,
        [scope.appId, deliveryId, attempt.attempt, outcome.status, outcome.nextAttemptAt, outcome.firstAttemptAt ?? null],
      )) as [unknown, number];
      if (affected !== 1) return false;
      await tx.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, status_code, latency_ms, response, error, success)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [deliveryId, attempt.attempt, attempt.startedAt, attempt.statusCode, attempt.latencyMs, attempt.response, attempt.error, attempt.success],
      );
      return true;
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
   * Pending deliveries due before `dueBefore`, oldest first: what the queue
   * must hold. Used at start (rebuild after Redis lost data) and by the sweeper.
   * Crosses apps on purpose: it is the service's own housekeeping, not a request.
   */
  async pendingDueBefore(dueBefore: Date, limit: number, after?: { at: Date; id: string }): Promise<Array<Pick<DeliveryEntity, 'id' | 'appId' | 'attemptCount' | 'nextAttemptAt'>>> {
    const rows: Array<{ id: string; app_id: string; attempt_count: number; next_attempt_at: Date }> = await this.db.query(
      `SELECT id, app_id, attempt_count, next_attempt_at FROM deliveries
       WHERE status = 'pending' AND next_attempt_at <= $1
         AND ($3::timestamptz IS NULL OR (next_attempt_at, id) > ($3, $4::uuid))
       ORDER BY next_attempt_at, id LIMIT $2`,
      [dueBefore, limit, after?.at ?? null, after?.id ?? null],
    );
    return rows.map((r) => ({ id: r.id, appId: r.app_id, attemptCount: r.attempt_count, nextAttemptAt: new Date(r.next_attempt_at) }));
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SubscriptionEntity } from './subscription.entity';

/** Every query is scoped to one app: an unscoped lookup does not type-check. */
export interface AppScope {
  appId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are uuids; anything else cannot exist (and must not reach Postgres as a cast error). */
export const isUuid = (id: string) => UUID.test(id);

export type SubscriptionChanges = Partial<Pick<SubscriptionEntity, 'url' | 'events' | 'description' | 'active'>>;

@Injectable()
export class SubscriptionRepository {
  constructor(@InjectRepository(SubscriptionEntity) private readonly repo: Repository<SubscriptionEntity>) {}

  insert(scope: AppScope, values: Pick<SubscriptionEntity, 'url' | 'events' | 'description' | 'active' | 'secret'>): Promise<SubscriptionEntity> {
    return this.repo.save(this.repo.create({ ...values, id: randomUUID(), appId: scope.appId, consecutiveFailures: 0 }));
  }

  findOne(scope: AppScope, id: string): Promise<SubscriptionEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo.findOneBy({ appId: scope.appId, id });
  }

  async page(scope: AppScope, page: number, pageSize: number): Promise<{ rows: SubscriptionEntity[]; total: number }> {
    const [rows, total] = await this.repo.findAndCount({
      where: { appId: scope.appId },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { rows, total };
  }

  /** Applies the app's changes; switching `active` on also clears a platform disable and the failure count. */
  async update(scope: AppScope, id: string, changes: SubscriptionChanges): Promise<SubscriptionEntity | null> {
    const row = await this.findOne(scope, id);
    if (!row) return null;
    Object.assign(row, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    if (changes.active === true) {
      row.disabledReason = null;
      row.disabledAt = null;
      row.consecutiveFailures = 0;
    }
    return this.repo.save(row);
  }

  async rotateSecret(scope: AppScope, id: string, newSecret: string, previousExpiresAt: Date): Promise<SubscriptionEntity | null> {
    const row = await this.findOne(scope, id);
    if (!row) return null;
    row.previousSecret = row.secret;
    row.previousSecretExpiresAt = previousExpiresAt;
    row.secret = newSecret;
    return this.repo.save(row);
  }

  async delete(scope: AppScope, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.repo.delete({ appId: scope.appId, id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * A delivery ended `failed`: counts it, and disables the endpoint (with the
   * reason the app sees) when the run reaches `limit`. Returns whether this call disabled it.
   */
  async countFailure(scope: AppScope, id: string, limit: number): Promise<boolean> {
    const reason = `Disabled after ${limit} deliveries in a row failed.`;
    // An UPDATE answers [rows, affected].
    const [rows]: [Array<{ disabled: boolean }>, number] = await this.repo.query(
      `UPDATE subscriptions SET
         consecutive_failures = consecutive_failures + 1,
         active = CASE WHEN active AND consecutive_failures + 1 >= $3 THEN false ELSE active END,
         disabled_reason = CASE WHEN active AND consecutive_failures + 1 >= $3 THEN $4 ELSE disabled_reason END,
         disabled_at = CASE WHEN active AND consecutive_failures + 1 >= $3 THEN now() ELSE disabled_at END,
         updated_at = now()
       WHERE app_id = $1 AND id = $2
       RETURNING (disabled_at = now() AND NOT active) AS disabled`,
      [scope.appId, id, limit, reason],
    );
    return rows[0]?.disabled ?? false;
  }

  /** The platform switches the endpoint off; `reason` is what the app sees. */
  async disable(scope: AppScope, id: string, reason: string): Promise<void> {
    await this.repo.update({ appId: scope.appId, id }, { active: false, disabledReason: reason, disabledAt: new Date() });
  }
}

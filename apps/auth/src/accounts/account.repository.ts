import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AccountEntity } from './account.entity';

/** Every query is scoped to one app: an unscoped lookup does not type-check. */
export interface AppScope {
  appId: string;
}

@Injectable()
export class AccountRepository {
  constructor(@InjectRepository(AccountEntity) private readonly repo: Repository<AccountEntity>) {}

  insert(scope: AppScope, values: Pick<AccountEntity, 'service' | 'displayName' | 'configSealed'>): Promise<AccountEntity> {
    return this.repo.save(this.repo.create({ ...values, appId: scope.appId }));
  }

  /**
   * Creates the account of an upstream user, or updates it when the same user
   * connects again (same id, fresh tokens, active again). One statement, so two
   * callbacks at once cannot make two accounts.
   */
  async upsertOAuth(
    scope: AppScope,
    values: { service: string; upstreamUserId: string; displayName: string; configSealed: string },
  ): Promise<{ account: AccountEntity; created: boolean; recovered: boolean }> {
    const [row] = await this.repo.query(
      `WITH before AS (SELECT active FROM accounts WHERE app_id = $1 AND service = $2 AND upstream_user_id = $3)
       INSERT INTO accounts (app_id, service, upstream_user_id, display_name, config_sealed) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (app_id, service, upstream_user_id)
       DO UPDATE SET display_name = EXCLUDED.display_name, config_sealed = EXCLUDED.config_sealed, active = true, updated_at = now()
       RETURNING id, (xmax = 0) AS created, (SELECT NOT active FROM before) AS recovered`,
      [scope.appId, values.service, values.upstreamUserId, values.displayName, values.configSealed],
    );
    return { account: (await this.findOne(scope, row.id))!, created: row.created, recovered: row.recovered === true };
  }

  findOne(scope: AppScope, id: number): Promise<AccountEntity | null> {
    return this.repo.findOneBy({ appId: scope.appId, id });
  }

  /** One page, plus whether another follows. */
  async page(scope: AppScope, page: number, pageSize: number): Promise<{ rows: AccountEntity[]; total: number }> {
    const [rows, total] = await this.repo.findAndCount({
      where: { appId: scope.appId },
      order: { id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { rows, total };
  }

  /** Every app's accounts of one service, oldest first: for data migrations only, never for a request. */
  allAppsOfServiceForMigration(service: string): Promise<AccountEntity[]> {
    return this.repo.find({ where: { service }, order: { id: 'ASC' } });
  }

  async updateConfig(scope: AppScope, id: number, configSealed: string): Promise<void> {
    await this.repo.update({ appId: scope.appId, id }, { configSealed });
  }

  async delete(scope: AppScope, id: number): Promise<boolean> {
    const result = await this.repo.delete({ appId: scope.appId, id });
    return (result.affected ?? 0) > 0;
  }
}

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

  async delete(scope: AppScope, id: number): Promise<boolean> {
    const result = await this.repo.delete({ appId: scope.appId, id });
    return (result.affected ?? 0) > 0;
  }
}

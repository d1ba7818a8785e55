import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import type { AppScope } from '../accounts/account.repository';
import { AccessTokenEntity } from './access-token.entity';

@Injectable()
export class AccessTokenRepository {
  constructor(@InjectRepository(AccessTokenEntity) private readonly repo: Repository<AccessTokenEntity>) {}

  async insert(scope: AppScope, values: Pick<AccessTokenEntity, 'tokenSha256' | 'accountId' | 'scope'>): Promise<void> {
    await this.repo.insert({ ...values, appId: scope.appId, revokedAt: null });
  }

  /** An unrevoked token by digest; the digest is the only way in, so this lookup is not app-scoped. */
  findActive(tokenSha256: string): Promise<AccessTokenEntity | null> {
    return this.repo.findOneBy({ tokenSha256, revokedAt: IsNull() });
  }
}

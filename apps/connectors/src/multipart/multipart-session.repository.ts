import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { MultipartSessionEntity } from './multipart-session.entity';

/** Sessions are always looked up within one app and account. */
export interface AccountScope {
  appId: string;
  accountId: number;
}

@Injectable()
export class MultipartSessionRepository {
  constructor(@InjectRepository(MultipartSessionEntity) private readonly repo: Repository<MultipartSessionEntity>) {}

  insert(scope: AccountScope, values: Omit<MultipartSessionEntity, 'appId' | 'accountId' | 'createdAt'>): Promise<MultipartSessionEntity> {
    return this.repo.save(this.repo.create({ ...values, ...scope }));
  }

  findLive(scope: AccountScope, id: string): Promise<MultipartSessionEntity | null> {
    return this.repo.findOneBy({ ...scope, id }).then((s) => (s && s.expiresAt > new Date() ? s : null));
  }

  async delete(scope: AccountScope, id: string): Promise<void> {
    await this.repo.delete({ ...scope, id });
  }

  /** Expired sessions, for clean-up. */
  expired(limit = 100): Promise<MultipartSessionEntity[]> {
    return this.repo.find({ where: { expiresAt: LessThan(new Date()) }, take: limit });
  }
}

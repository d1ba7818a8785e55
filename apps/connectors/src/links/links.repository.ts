import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { AccountScope } from '../multipart/multipart-session.repository';
import { LinkEntity } from './link.entity';

/** Links are always read within one app and account, except by token digest (the public URL). */
@Injectable()
export class LinksRepository {
  constructor(@InjectRepository(LinkEntity) private readonly repo: Repository<LinkEntity>) {}

  insert(link: LinkEntity): Promise<LinkEntity> {
    return this.repo.save(this.repo.create(link));
  }

  /** Oldest first; one row more than the page is read to tell whether another page follows. */
  async page(scope: AccountScope, filter: { active?: boolean }, page: number, pageSize: number): Promise<{ rows: LinkEntity[]; hasMore: boolean }> {
    const rows = await this.repo.find({
      where: { appId: scope.appId, accountId: scope.accountId, ...(filter.active === undefined ? {} : { active: filter.active }) },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize + 1,
    });
    return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
  }

  find(scope: AccountScope, id: string): Promise<LinkEntity | null> {
    return this.repo.findOneBy({ appId: scope.appId, accountId: scope.accountId, id });
  }

  byTokenDigest(digest: string): Promise<LinkEntity | null> {
    return this.repo.findOneBy({ tokenDigest: digest });
  }

  save(link: LinkEntity): Promise<LinkEntity> {
    return this.repo.save(link);
  }

  /** @returns whether a link was deleted */
  async delete(scope: AccountScope, id: string): Promise<boolean> {
    const result = await this.repo.delete({ appId: scope.appId, accountId: scope.accountId, id });
    return (result.affected ?? 0) > 0;
  }
}

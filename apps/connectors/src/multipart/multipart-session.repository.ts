import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { MultipartSessionEntity } from './multipart-session.entity';

/** Sessions are always looked up within one app and account. */
export interface AccountScope {
  appId: string;
  accountId: number;
}

@Injectable()
export class MultipartSessionRepository {
  constructor(@InjectRepository(MultipartSessionEntity) private readonly repo: Repository<MultipartSessionEntity>) {}

  insert(scope: AccountScope, values: Omit<MultipartSessionEntity, 'appId' | 'accountId' | 'createdAt' | 'parts'>): Promise<MultipartSessionEntity> {
    return this.repo.save(this.repo.create({ ...values, parts: {}, ...scope }));
  }

  /** Records one written part; parallel parts of a session each add their own key (one atomic update each). */
  async recordPart(scope: AccountScope, id: string, partNumber: number, receipt: { etag?: string }): Promise<void> {
    await this.repo.query(
      `UPDATE multipart_sessions SET parts = parts || jsonb_build_object($4::text, $5::jsonb) WHERE id = $1 AND app_id = $2 AND account_id = $3`,
      [id, scope.appId, scope.accountId, String(partNumber), JSON.stringify(receipt)],
    );
  }

  findLive(scope: AccountScope, id: string): Promise<MultipartSessionEntity | null> {
    return this.repo.findOneBy({ ...scope, id }).then((s) => (s && s.expiresAt > new Date() ? s : null));
  }

  async delete(scope: AccountScope, id: string): Promise<void> {
    await this.repo.delete({ ...scope, id });
  }

  /**
   * Deletes up to `limit` expired sessions and returns them, for clean-up. Safe with several
   * instances: each row is claimed by one (SKIP LOCKED), and a crash after the claim only leaves
   * what the orphan sweep of the connector would find anyway.
   */
  async claimExpired(limit = 100): Promise<MultipartSessionEntity[]> {
    const rows: Array<Record<string, unknown>> = await this.repo.query(
      `DELETE FROM multipart_sessions WHERE id IN (
         SELECT id FROM multipart_sessions WHERE expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ) RETURNING id, app_id, account_id, path`,
      [limit],
    );
    // DELETE … RETURNING through query() answers [rows, count] on Postgres
    const list = (Array.isArray(rows[0]) ? rows[0] : rows) as Array<{ id: string; app_id: string; account_id: number; path: string }>;
    return list.map((r) => Object.assign(new MultipartSessionEntity(), { id: r.id, appId: r.app_id, accountId: Number(r.account_id), path: r.path }));
  }
}

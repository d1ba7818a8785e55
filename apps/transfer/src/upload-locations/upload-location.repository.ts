import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppScope } from '../tasks/task.repository';
import { UploadLocationEntity } from './upload-location.entity';

/**
 * Upload locations of one app. Changes that move the default run in one
 * transaction that locks the app's rows, so an app never has two defaults
 * (a partial unique index backs this) nor, while it has locations, none.
 */
@Injectable()
export class UploadLocationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findOne(scope: AppScope, id: string): Promise<UploadLocationEntity | null> {
    return this.db.getRepository(UploadLocationEntity).findOneBy({ appId: scope.appId, id });
  }

  async page(scope: AppScope, page: number, pageSize: number): Promise<{ rows: UploadLocationEntity[]; total: number }> {
    const [rows, total] = await this.db.getRepository(UploadLocationEntity).findAndCount({
      where: { appId: scope.appId },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { rows, total };
  }

  inAccount(scope: AppScope, accountId: number): Promise<UploadLocationEntity[]> {
    return this.db.getRepository(UploadLocationEntity).findBy({ appId: scope.appId, accountId });
  }

  /** The default, or the location in `accountId` (and `folderId` when given), oldest first. */
  find(scope: AppScope, where: { accountId?: number; folderId?: string }): Promise<UploadLocationEntity | null> {
    const repo = this.db.getRepository(UploadLocationEntity);
    if (where.accountId === undefined) return repo.findOneBy({ appId: scope.appId, isDefault: true });
    return repo.findOne({
      where: { appId: scope.appId, accountId: where.accountId, ...(where.folderId !== undefined ? { folderId: where.folderId } : {}) },
      order: { isDefault: 'DESC', createdAt: 'ASC' },
    });
  }

  create(scope: AppScope, values: { accountId: number; folderId: string; makeDefault: boolean }): Promise<UploadLocationEntity> {
    return this.locked(scope, async (em, rows) => {
      const isDefault = values.makeDefault || !rows.some((r) => r.isDefault);
      if (isDefault) await em.update(UploadLocationEntity, { appId: scope.appId, isDefault: true }, { isDefault: false });
      return em.save(em.create(UploadLocationEntity, { id: randomUUID(), appId: scope.appId, accountId: values.accountId, folderId: values.folderId, isDefault }));
    });
  }

  update(scope: AppScope, id: string, values: { folderId?: string; makeDefault?: boolean }): Promise<UploadLocationEntity | null> {
    return this.locked(scope, async (em, rows) => {
      const row = rows.find((r) => r.id === id);
      if (!row) return null;
      if (values.makeDefault && !row.isDefault) {
        await em.update(UploadLocationEntity, { appId: scope.appId, isDefault: true }, { isDefault: false });
        row.isDefault = true;
      }
      if (values.folderId !== undefined) row.folderId = values.folderId;
      return em.save(row);
    });
  }

  /** @returns false when there was no such location. */
  remove(scope: AppScope, id: string): Promise<boolean> {
    return this.locked(scope, async (em, rows) => {
      const row = rows.find((r) => r.id === id);
      if (!row) return false;
      await em.delete(UploadLocationEntity, { appId: scope.appId, id });
      const next = rows.find((r) => r.id !== id);
      if (row.isDefault && next) await em.update(UploadLocationEntity, { appId: scope.appId, id: next.id }, { isDefault: true });
      return true;
    });
  }

  /** Runs `work` in a transaction holding the app's location rows (oldest first) locked. */
  private locked<T>(scope: AppScope, work: (em: EntityManager, rows: UploadLocationEntity[]) => Promise<T>): Promise<T> {
    return this.db.transaction(async (em) => {
      // Serialises an app's changes even when it has no rows yet.
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`upload_locations:${scope.appId}`]);
      const rows = await em.find(UploadLocationEntity, { where: { appId: scope.appId }, order: { createdAt: 'ASC', id: 'ASC' } });
      return work(em, rows);
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidParametersError, PROPERTY_LIMITS, type PropertyChange } from '@app/common';
import type { FileRef } from '../storage/file-ref';
import { FilePropertyEntity } from './file-property.entity';

/** A file's properties; every query names the app, the account and the file. */
@Injectable()
export class PropertiesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(file: FileRef, manager: EntityManager = this.db.manager): Promise<FilePropertyEntity[]> {
    return manager.find(FilePropertyEntity, { where: { appId: file.appId, accountId: file.accountId, path: file.path }, order: { key: 'ASC' } });
  }

  /**
   * Sets and deletes (`value: null`) keys in one transaction, serialized per file,
   * so concurrent PATCHes cannot together pass the per-file limit. Later entries
   * for the same key win.
   * @throws InvalidParametersError when the file would hold more than PROPERTY_LIMITS.perFile keys (nothing changes)
   */
  apply(file: FileRef, changes: PropertyChange[], now = new Date()): Promise<FilePropertyEntity[]> {
    const last = new Map(changes.map((c) => [c.key, c.value]));
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`file_properties:${file.appId}:${file.accountId}:${file.path}`]);
      const current = await this.list(file, manager);
      const keys = new Set(current.map((p) => p.key));
      for (const [key, value] of last) {
        if (value === null) keys.delete(key);
        else keys.add(key);
      }
      if (keys.size > PROPERTY_LIMITS.perFile) {
        throw new InvalidParametersError(`A file may have at most ${PROPERTY_LIMITS.perFile} properties; this change would leave ${keys.size}.`);
      }
      const gone = [...last].filter(([, v]) => v === null).map(([k]) => k);
      if (gone.length > 0) {
        await manager.query(`DELETE FROM file_properties WHERE app_id = $1 AND account_id = $2 AND path = $3 AND key = ANY($4)`, [file.appId, file.accountId, file.path, gone]);
      }
      for (const [key, value] of last) {
        if (value === null) continue;
        await manager.query(
          `INSERT INTO file_properties (app_id, account_id, path, key, value, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
           ON CONFLICT (app_id, account_id, path, key) DO UPDATE SET value = EXCLUDED.value, modified_at = EXCLUDED.modified_at`,
          [file.appId, file.accountId, file.path, key, value, now],
        );
      }
      return this.list(file, manager);
    });
  }

  async deleteAll(file: FileRef): Promise<void> {
    await this.db.manager.delete(FilePropertyEntity, { appId: file.appId, accountId: file.accountId, path: file.path });
  }
}

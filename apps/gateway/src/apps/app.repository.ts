import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { AppEntity } from './app.entity';

@Injectable()
export class AppRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates the app and its first key in one transaction. */
  async createWithKey(app: Pick<AppEntity, 'id' | 'name'>, key: Pick<ApiKeyEntity, 'keySha256' | 'keyPrefix'>): Promise<AppEntity> {
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(tx.create(AppEntity, app));
      await tx.save(tx.create(ApiKeyEntity, { ...key, appId: saved.id, revokedAt: null }));
      return saved;
    });
  }

  /** The app owning an active key with this digest. */
  async findAppIdByKeyDigest(keySha256: string): Promise<string | null> {
    const key = await this.db.getRepository(ApiKeyEntity).findOneBy({ keySha256, revokedAt: IsNull() });
    return key?.appId ?? null;
  }
}

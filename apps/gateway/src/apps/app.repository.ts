import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { AppEntity } from './app.entity';
import { RedirectUriEntity, type RegisteredUriKind } from './redirect-uri.entity';

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

  async exists(appId: string): Promise<boolean> {
    return this.db.getRepository(AppEntity).existsBy({ id: appId });
  }

  /** Replaces the app's registered redirect URIs (or origins). */
  async setRegistered(appId: string, kind: RegisteredUriKind, uris: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(RedirectUriEntity, { appId, kind });
      if (uris.length) await tx.insert(RedirectUriEntity, uris.map((uri) => ({ appId, kind, uri })));
    });
  }

  async registered(appId: string, kind: RegisteredUriKind): Promise<string[]> {
    const rows = await this.db.getRepository(RedirectUriEntity).find({ where: { appId, kind }, order: { id: 'ASC' } });
    return rows.map((r) => r.uri);
  }

  async appsRegistering(kind: RegisteredUriKind, uri: string): Promise<string[]> {
    const rows = await this.db.getRepository(RedirectUriEntity).find({ where: { kind, uri }, select: { appId: true } });
    return rows.map((r) => r.appId);
  }

  isRegistered(appId: string, kind: RegisteredUriKind, uri: string): Promise<boolean> {
    return this.db.getRepository(RedirectUriEntity).existsBy({ appId, kind, uri });
  }

}

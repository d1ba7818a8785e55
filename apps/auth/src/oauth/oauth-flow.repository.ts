import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppScope } from '../accounts/account.repository';
import { OAuthCodeEntity } from './oauth-code.entity';
import { OAuthStateEntity } from './oauth-state.entity';

/** States and one-time codes of the connect flow. Each is consumed by one atomic UPDATE: a replay finds nothing. */
@Injectable()
export class OAuthFlowRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertState(values: Omit<OAuthStateEntity, 'usedAt' | 'createdAt'>): Promise<void> {
    await this.db.getRepository(OAuthStateEntity).insert({ ...values, usedAt: null });
  }

  /** Marks the state used and returns it, or null if unknown, used or expired. */
  async consumeState(stateSha256: string): Promise<OAuthStateEntity | null> {
    const [rows] = await this.db.query(
      `UPDATE oauth_states SET used_at = now() WHERE state_sha256 = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING app_id, service, redirect_uri, app_state, scope, code_verifier_sealed, popup_origin, popup_request_id`,
      [stateSha256],
    );
    const row = rows?.[0];
    if (!row) return null;
    return Object.assign(new OAuthStateEntity(), {
      stateSha256, appId: row.app_id, service: row.service, redirectUri: row.redirect_uri,
      appState: row.app_state, scope: row.scope, codeVerifierSealed: row.code_verifier_sealed,
      popupOrigin: row.popup_origin, popupRequestId: row.popup_request_id,
    });
  }

  async insertCode(scope: AppScope, values: Pick<OAuthCodeEntity, 'codeSha256' | 'accountId' | 'redirectUri' | 'scope' | 'expiresAt'>): Promise<void> {
    await this.db.getRepository(OAuthCodeEntity).insert({ ...values, appId: scope.appId, usedAt: null });
  }

  /** Marks the app's code used and returns it, or null if unknown, another app's, used or expired. */
  async consumeCode(scope: AppScope, codeSha256: string): Promise<Pick<OAuthCodeEntity, 'accountId' | 'redirectUri' | 'scope'> | null> {
    const [rows] = await this.db.query(
      `UPDATE oauth_codes SET used_at = now() WHERE code_sha256 = $1 AND app_id = $2 AND used_at IS NULL AND expires_at > now()
       RETURNING account_id, redirect_uri, scope`,
      [codeSha256, scope.appId],
    );
    const row = rows?.[0];
    return row ? { accountId: row.account_id, redirectUri: row.redirect_uri, scope: row.scope } : null;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import {
  ACCOUNT_REAUTH_REQUIRED, ACCOUNT_REFRESH_FAILED, ACCOUNT_TOKEN_REFRESHED, AppError, AuthError, CONFIG, digestBearerToken, EVENT_PUBLISHER,
  EventPublisher, InvalidParametersError, LOGGER, NotFoundError, SecretBox,
  type AccountReauthRequiredData, type AccountRefreshFailedData, type AccountTokenRefreshedData, type MessageMeta, type OAuthServiceName,
  tokenRefreshes,
} from '@app/common';
import { AccountRepository } from '../accounts/account.repository';
import { toPublicAccount } from '../accounts/account.mapper';
import type { AuthConfig } from '../auth.config';
import { InvalidGrantError, OAuthProviderClient, ProviderCallError, type ProviderTokens } from './oauth-provider.client';
import { OAuthClients } from './oauth-clients.service';

/** An OAuth account's sealed config. */
export interface OAuthConfig {
  oauth: ProviderTokens;
}

type Scope = Pick<MessageMeta, 'appId' | 'requestId'>;

/**
 * Refresh that never races (rclone's lib/oauthutil, across processes): the
 * account row is locked (`SELECT … FOR UPDATE`, bounded by
 * OAUTH_REFRESH_LOCK_TIMEOUT_MS), the stored token re-read under the lock and
 * reused if a peer already refreshed it, and a rotated refresh token is written
 * in the same transaction as the new access token. `invalid_grant` marks the
 * account for re-authorization, unless a peer rotated the token meanwhile
 * (a lost race, not a revoked account).
 */
@Injectable()
export class TokenRefreshService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: AccountRepository,
    private readonly client: OAuthProviderClient,
    private readonly clients: OAuthClients,
    private readonly secrets: SecretBox,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
    @Inject(CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Refreshes OAuth accounts nobody used for OAUTH_IDLE_REFRESH_HOURS (their
   * row was not updated since), at most `limit` (100) per sweep, oldest first (of one app with `appId`), so
   * refresh tokens that lapse when unused (Box: 60 days; Google: 6 months) stay
   * alive. Instances sweeping at once skip each other's work: the cutoff is
   * checked again under the row lock. @returns how many accounts it went through
   */
  async refreshIdle(options: { limit?: number; appId?: string } = {}): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.OAUTH_IDLE_REFRESH_HOURS * 3_600_000);
    const rows: { id: number; app_id: string }[] = await this.db.query(
      `SELECT id, app_id FROM accounts WHERE upstream_user_id IS NOT NULL AND active AND updated_at < $1 AND ($3::text IS NULL OR app_id = $3)
       ORDER BY updated_at LIMIT $2`,
      [cutoff, options.limit ?? 100, options.appId ?? null],
    );
    let swept = 0;
    for (const row of rows) {
      try {
        await this.refresh({ appId: row.app_id, requestId: `idle-refresh-${row.id}` }, row.id, undefined, { idleBefore: cutoff });
        swept++;
      } catch (err) {
        // Recorded by refresh (refresh_failed / reauth_required); the sweep goes on.
        this.logger.warn({ accountId: row.id, code: (err as { code?: string }).code }, 'auth.refresh.idle_failed');
      }
    }
    if (swept) this.logger.info({ swept }, 'auth.refresh.idle_swept');
    return swept;
  }

  /**
   * True when the token expires within the refresh margin, or within half its
   * lifetime when that is shorter (a margin longer than a token lives must not
   * refresh on every call).
   */
  isDue(tokens: ProviderTokens): boolean {
    if (tokens.expiresAt === undefined) return false;
    const expires = Date.parse(tokens.expiresAt);
    const lifetime = tokens.obtainedAt ? expires - Date.parse(tokens.obtainedAt) : Infinity;
    return expires - Date.now() < Math.min(this.config.OAUTH_REFRESH_MARGIN_S * 1000, lifetime / 2);
  }

  /**
   * Fresh tokens for the account. With `usedTokenSha256` (reactive: the
   * upstream refused that token) it refreshes unless the stored token differs;
   * without (proactive) it refreshes only when the token is due.
   * @throws AuthError (401 service_unauthorized) when the user must reconnect
   */
  async refresh(scope: Scope, accountId: number, usedTokenSha256?: string, options: { idleBefore?: Date } = {}): Promise<OAuthConfig> {
    let used: OAuthConfig | undefined;
    try {
      const result = await this.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = ${Math.floor(this.config.OAUTH_REFRESH_LOCK_TIMEOUT_MS)}`);
        const [row] = await tx.query(`SELECT service, active, config_sealed, updated_at FROM accounts WHERE id = $1 AND app_id = $2 FOR UPDATE`, [accountId, scope.appId]);
        if (!row) throw new NotFoundError(`Account ${accountId} was not found.`);
        const config = this.secrets.open<Partial<OAuthConfig>>(row.config_sealed);
        if (!config.oauth) throw new InvalidParametersError(`Account ${accountId} is not connected through OAuth.`);
        if (!row.active) throw reconnect(row.service);
        const current = config as OAuthConfig;
        // Reactive: the token the caller used is still the stored one. Idle sweep: nobody refreshed it since the cutoff. Else: due.
        const stale = usedTokenSha256
          ? digestBearerToken(current.oauth.accessToken) === usedTokenSha256
          : options.idleBefore ? new Date(row.updated_at) < options.idleBefore : this.isDue(current.oauth);
        if (!stale) return { config: current, refreshed: false };
        used = current;
        // Read on the locked transaction's own connection: waiters hold the others.
        const provider = await this.clients.providerFor(scope.appId, row.service as OAuthServiceName, tx);
        if (!provider) throw new AppError('service_not_available', `The ${row.service} service is not configured.`);
        if (!current.oauth.refreshToken) throw new InvalidGrantError('no refresh token was issued');
        const fresh = await this.client.refresh(provider, current.oauth.refreshToken);
        // A provider that does not rotate sends no refresh token: keep the one we have.
        const next: OAuthConfig = { ...current, oauth: { ...fresh, refreshToken: fresh.refreshToken ?? current.oauth.refreshToken } };
        await tx.query(`UPDATE accounts SET config_sealed = $1, updated_at = now() WHERE id = $2`, [this.secrets.seal(next), accountId]);
        return { config: next, refreshed: true };
      });
      tokenRefreshes.inc({ outcome: result.refreshed ? 'refreshed' : 'reused' });
      if (result.refreshed) await this.publish<Omit<AccountTokenRefreshedData, 'account'>>(ACCOUNT_TOKEN_REFRESHED, scope, accountId, { expires: result.config.oauth.expiresAt ?? null });
      return result.config;
    } catch (err) {
      if (err instanceof InvalidGrantError && used) return this.afterInvalidGrant(scope, accountId, used);
      if ((err as { code?: string }).code === '55P03') {
        throw new AppError('service_not_available', 'Another refresh of this account is taking too long; try again.', { retryable: true });
      }
      if (err instanceof AppError) throw err;
      const reason = err instanceof ProviderCallError ? err.message : 'the refresh could not be completed';
      if (!(err instanceof ProviderCallError)) this.logger.error({ err: String(err) }, 'auth.refresh.error');
      this.logger.warn({ accountId, reason }, 'auth.refresh.failed');
      tokenRefreshes.inc({ outcome: 'failed' });
      await this.publish<Omit<AccountRefreshFailedData, 'account'>>(ACCOUNT_REFRESH_FAILED, scope, accountId, { reason });
      throw new AppError('service_not_available', `The account's access could not be refreshed: ${reason}.`, { retryable: true });
    }
  }

  /** A peer may have rotated the refresh token between our read and the provider's answer: then its tokens are good. */
  private async afterInvalidGrant(scope: Scope, accountId: number, used: OAuthConfig): Promise<OAuthConfig> {
    const row = await this.accounts.findOne(scope, accountId);
    if (!row) throw new NotFoundError(`Account ${accountId} was not found.`);
    const stored = this.secrets.open<OAuthConfig>(row.configSealed);
    if (stored.oauth?.refreshToken && stored.oauth.refreshToken !== used.oauth.refreshToken) {
      this.logger.info({ accountId }, 'auth.refresh.lost_race');
      tokenRefreshes.inc({ outcome: 'lost_race' });
      return stored;
    }
    const updated = await this.db.query(`UPDATE accounts SET active = false, updated_at = now() WHERE id = $1 AND app_id = $2 AND active`, [accountId, scope.appId]);
    this.logger.warn({ accountId, service: row.service }, 'auth.refresh.needs_reauth');
    tokenRefreshes.inc({ outcome: 'needs_reauth' });
    if ((updated?.[1] ?? 0) > 0) {
      await this.publish<Omit<AccountReauthRequiredData, 'account'>>(ACCOUNT_REAUTH_REQUIRED, scope, accountId, {
        reason: `The ${row.service} refresh token was revoked or has expired; the user must connect the account again.`,
      });
    }
    throw reconnect(row.service);
  }

  private async publish<T extends object>(type: string, scope: Scope, accountId: number, data: T): Promise<void> {
    const row = await this.accounts.findOne(scope, accountId);
    if (row) await this.events.publish(type, scope, accountId, { account: toPublicAccount(row), ...data });
  }
}

/** The error of every call on an OAuth account whose user must connect it again. */
export function reconnect(service: string): AuthError {
  return new AuthError(`The ${service} account must be connected again by its user: its authorization was revoked or has expired.`);
}

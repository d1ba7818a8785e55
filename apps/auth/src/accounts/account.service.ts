import { Inject, Injectable } from '@nestjs/common';
import {
  ACCOUNT_CONNECTED,
  ACCOUNT_DELETED,
  CredentialsValidate,
  EVENT_PUBLISHER,
  EventPublisher,
  LOGGER,
  NotFoundError,
  objectList,
  RPC_CLIENT,
  RpcClient,
  type AccountCredentials,
  CredentialsTransport,
  type SealedCredentials,
  type AccountConnectedData,
  type AccountDeletedData,
  type MessageMeta,
  type ObjectList,
  type PublicAccount,
  type OAuthServiceName,
  type ServiceName,
  SecretBox,
} from '@app/common';
import { reconnect, TokenRefreshService, type OAuthConfig } from '../oauth/token-refresh.service';
import { OAuthClients } from '../oauth/oauth-clients.service';
import { OAuthProviderClient, ProviderCallError } from '../oauth/oauth-provider.client';
import type { Logger } from 'pino';
import { AccountRepository } from './account.repository';
import { toPublicAccount } from './account.mapper';

@Injectable()
export class AccountService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly secrets: SecretBox,
    private readonly refresher: TokenRefreshService,
    private readonly transport: CredentialsTransport,
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
    private readonly clients: OAuthClients,
    private readonly providerClient: OAuthProviderClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Checks the config against the service (through connectors) before anything is stored. */
  async create(meta: MessageMeta, input: { service: ServiceName; config: Record<string, unknown>; account?: string }): Promise<PublicAccount> {
    const checked = await this.rpc.call(CredentialsValidate, meta, { service: input.service, config: input.config });
    const row = await this.accounts.insert(meta, {
      service: input.service,
      displayName: input.account ?? checked.account,
      configSealed: this.secrets.seal(checked.config),
    });
    const account = toPublicAccount(row);
    await this.events.publish<AccountConnectedData>(ACCOUNT_CONNECTED, meta, account.id, { account });
    return account;
  }

  async list(meta: MessageMeta, page: number, pageSize: number): Promise<ObjectList<PublicAccount>> {
    const { rows, total } = await this.accounts.page(meta, page, pageSize);
    if (rows.length === 0 && page > 1) throw new NotFoundError(`Page ${page} is past the last page.`);
    return objectList('meta', rows.map(toPublicAccount), page, page * pageSize < total, total);
  }

  async get(meta: MessageMeta, accountId: number): Promise<PublicAccount> {
    return toPublicAccount(await this.require(meta, accountId));
  }

  async delete(meta: MessageMeta, accountId: number): Promise<{ deleted: true }> {
    const row = await this.require(meta, accountId);
    if (!(await this.accounts.delete(meta, accountId))) throw notFound(accountId);
    await this.events.publish<AccountDeletedData>(ACCOUNT_DELETED, meta, accountId, { account: toPublicAccount(row) });
    const oauth = this.secrets.open<Partial<OAuthConfig>>(row.configSealed).oauth;
    if (oauth) await this.revokeUpstream(meta, row.service as OAuthServiceName, accountId, oauth);
    return { deleted: true };
  }

  /** The account is gone here; its grant at the provider goes too where the provider allows. A failure is logged, not returned: the delete stands. */
  private async revokeUpstream(meta: MessageMeta, service: OAuthServiceName, accountId: number, tokens: OAuthConfig['oauth']): Promise<void> {
    try {
      const provider = await this.clients.providerFor(meta.appId, service);
      if (provider && (await this.providerClient.revoke(provider, tokens))) this.logger.info({ appId: meta.appId, accountId, service }, 'auth.oauth.revoked');
    } catch (err) {
      this.logger.warn({ appId: meta.appId, accountId, service, reason: err instanceof ProviderCallError ? err.message : 'unexpected error' }, 'auth.oauth.revoke_failed');
    }
  }

  /**
   * Decrypted connection config, for the connectors service only. An OAuth
   * access token is never handed out within the refresh margin of its expiry:
   * it is refreshed first (proactive). `usedTokenSha256` (reactive: the
   * upstream refused that token) forces a refresh unless a peer already did.
   */
  /** The credentials sealed for the connectors service and bound to this request: what goes over Kafka. */
  async sealedCredentials(meta: MessageMeta, accountId: number, usedTokenSha256: string | null = null): Promise<SealedCredentials> {
    return this.transport.seal(meta, await this.credentials(meta, accountId, usedTokenSha256));
  }

  async credentials(meta: MessageMeta, accountId: number, usedTokenSha256: string | null = null): Promise<AccountCredentials> {
    const row = await this.require(meta, accountId);
    let config = this.secrets.open<Record<string, unknown>>(row.configSealed);
    const oauth = (config as Partial<OAuthConfig>).oauth;
    if (oauth && !row.active) throw reconnect(row.service);
    if (oauth && (usedTokenSha256 || this.refresher.isDue(oauth))) {
      config = { ...(await this.refresher.refresh(meta, accountId, usedTokenSha256 ?? undefined)) };
    }
    if (oauth) {
      // Connectors need the access token only: the refresh token never leaves auth.
      const { accessToken, expiresAt } = (config as unknown as OAuthConfig).oauth;
      config = { oauth: { accessToken, expiresAt } };
    }
    return { accountId: row.id, service: row.service as ServiceName, config };
  }

  private async require(meta: MessageMeta, accountId: number) {
    const row = await this.accounts.findOne(meta, accountId);
    if (!row) throw notFound(accountId);
    return row;
  }
}

/** Another app's account and a missing one look the same: 404. */
function notFound(accountId: number) {
  return new NotFoundError(`Account ${accountId} was not found.`);
}

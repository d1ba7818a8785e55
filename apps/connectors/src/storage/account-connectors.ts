import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AccountCredentialsGet, CONFIG, CredentialsTransport, digestBearerToken, OAuthRefresh, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import type { TokenSource } from '../connectors/oauth-api';
import type { Connector } from '../connectors/connector';
import type { ConnectorsConfig } from '../connectors.config';
import { ConnectorFactory } from '../credentials/connector-factory';

/**
 * The live connector of an account. Credentials are asked from auth (which
 * also checks the account belongs to the calling app) and kept briefly, per
 * app and account, so a burst of calls costs one round trip.
 */
@Injectable()
export class AccountConnectors implements OnApplicationShutdown {
  private readonly cache = new Map<string, { connector: Promise<Connector>; service: Promise<string>; expires: number }>();
  private readonly ttlMs: number;

  private readonly transport: CredentialsTransport;

  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    private readonly factory: ConnectorFactory,
    @Inject(CONFIG) config: ConnectorsConfig,
  ) {
    this.transport = new CredentialsTransport(config.CREDENTIALS_TRANSPORT_KEY);
    this.ttlMs = config.CONNECTOR_CACHE_TTL_S * 1000;
  }

  get(meta: MessageMeta, accountId: number): Promise<Connector> {
    return this.entry(meta, accountId).connector;
  }

  /** The connectors of a copy's source and destination accounts (both of the calling app), fetched together. */
  both(meta: Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>, fromId: number, toId: number): Promise<[Connector, Connector]> {
    return Promise.all([this.get({ ...meta, accountId: fromId }, fromId), this.get({ ...meta, accountId: toId }, toId)]);
  }

  /** The account's service name (`s3`, `sftp`…), from the same cached credentials. */
  serviceOf(meta: MessageMeta, accountId: number): Promise<string> {
    return this.entry(meta, accountId).service;
  }

  private entry(meta: MessageMeta, accountId: number) {
    const key = `${meta.appId}:${accountId}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit;
    if (hit) this.evict(key);
    const entry = { connector: null as unknown as Promise<Connector>, service: null as unknown as Promise<string>, expires: Date.now() + this.ttlMs };
    const creds = this.rpc.call(AccountCredentialsGet, meta, { accountId }).then((reply) => {
      const opened = this.transport.open(meta, reply);
      // Never keep an OAuth access token past its expiry (auth hands out tokens well before it).
      const expiresAt = Date.parse(oauthOf(opened.config)?.expiresAt ?? '');
      if (Number.isFinite(expiresAt)) entry.expires = Math.min(entry.expires, expiresAt);
      return opened;
    });
    entry.service = creds.then((c) => c.service);
    entry.connector = creds.then((c) => {
      const oauth = oauthOf(c.config);
      return this.factory.create(meta.appId, c.service, c.config, oauth ? this.tokenSource(meta, accountId, oauth.accessToken) : undefined);
    });
    this.cache.set(key, entry);
    entry.connector.catch(() => this.cache.delete(key));
    entry.service.catch(() => undefined);
    return entry;
  }

  /**
   * The access token of an OAuth account's connector. After an upstream 401,
   * `refreshAfter` asks auth once for this process however many calls saw it
   * (auth makes it once across processes, or hands back a peer's newer token).
   */
  private tokenSource(meta: MessageMeta, accountId: number, initial: string): TokenSource {
    let token = initial;
    let refreshing: { used: string; next: Promise<string> } | null = null;
    return {
      current: async () => token,
      refreshAfter: (used) => {
        if (used !== token) return Promise.resolve(token);
        if (refreshing?.used === used) return refreshing.next;
        const next = this.rpc.call(OAuthRefresh, meta, { accountId, usedTokenSha256: digestBearerToken(used) }).then((reply) => {
          token = oauthOf(this.transport.open(meta, reply).config)?.accessToken ?? token;
          return token;
        });
        refreshing = { used, next };
        next.catch(() => undefined).finally(() => {
          if (refreshing?.next === next) refreshing = null;
        });
        return next;
      },
    };
  }

  /** Drops an account's connector at once (it was deleted or its credentials changed). */
  forget(appId: string, accountId: number): void {
    this.evict(`${appId}:${accountId}`);
  }

  private evict(key: string) {
    const hit = this.cache.get(key);
    this.cache.delete(key);
    hit?.connector.then((c) => c.close?.()).catch(() => undefined);
  }

  async onApplicationShutdown() {
    for (const key of [...this.cache.keys()]) this.evict(key);
  }
}

/** The access token part of an OAuth account's config (auth sends no refresh token). */
function oauthOf(config: Record<string, unknown>): { accessToken: string; expiresAt?: string } | undefined {
  const oauth = config.oauth as { accessToken?: unknown; expiresAt?: unknown } | undefined;
  if (!oauth || typeof oauth.accessToken !== 'string') return undefined;
  return { accessToken: oauth.accessToken, expiresAt: typeof oauth.expiresAt === 'string' ? oauth.expiresAt : undefined };
}

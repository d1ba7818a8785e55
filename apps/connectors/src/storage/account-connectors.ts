import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AccountCredentialsGet, CONFIG, CredentialsTransport, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
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
  private readonly cache = new Map<string, { connector: Promise<Connector>; expires: number }>();
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
    const key = `${meta.appId}:${accountId}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.connector;
    if (hit) this.evict(key);
    const entry = { connector: null as unknown as Promise<Connector>, expires: Date.now() + this.ttlMs };
    entry.connector = this.rpc.call(AccountCredentialsGet, meta, { accountId }).then((reply) => {
      const creds = this.transport.open(meta, reply);
      // Never keep an OAuth access token past its expiry (auth hands out tokens well before it).
      const expiresAt = Date.parse(String((creds.config.oauth as { expiresAt?: string } | undefined)?.expiresAt ?? ''));
      if (Number.isFinite(expiresAt)) entry.expires = Math.min(entry.expires, expiresAt);
      return this.factory.create(meta.appId, creds.service, creds.config);
    });
    const connector = entry.connector;
    this.cache.set(key, entry);
    connector.catch(() => this.cache.delete(key));
    return connector;
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

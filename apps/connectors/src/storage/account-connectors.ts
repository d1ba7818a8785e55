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
      const expiresAt = Date.parse(String((opened.config.oauth as { expiresAt?: string } | undefined)?.expiresAt ?? ''));
      if (Number.isFinite(expiresAt)) entry.expires = Math.min(entry.expires, expiresAt);
      return opened;
    });
    entry.service = creds.then((c) => c.service);
    entry.connector = creds.then((c) => this.factory.create(meta.appId, c.service, c.config));
    this.cache.set(key, entry);
    entry.connector.catch(() => this.cache.delete(key));
    entry.service.catch(() => undefined);
    return entry;
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

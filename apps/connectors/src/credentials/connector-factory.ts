import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, InvalidParametersError, OAUTH_SERVICE_NAMES, OutboundPolicy, type OAuthServiceName, type ServiceName } from '@app/common';
import type { TokenSource } from '../connectors/oauth-api';
import { capabilitiesOf } from '../connectors/capabilities';
import type { Connector } from '../connectors/connector';
import { connectorTypes, isServiceName, type ConnectorDeps, type ConnectorType } from '../connectors/registry';
import type { ConnectorsConfig } from '../connectors.config';
import { LocalRoot } from './local-root';

/** Config fields that name an account well, most specific first. */
const DISPLAY_FIELDS = ['bucket', 'container', 'host', 'url', 'endpoint'];

/**
 * Turns an account's stored config into a live connector, and checks a new
 * config against its service before auth stores it.
 *
 * `local` paths are this deployment's policy, not a connector capability:
 * each app's accounts live in its own directory below LOCAL_STORAGE_ROOT
 * (see LocalRoot); users give a folder relative to it, the stored config keeps
 * it relative, and the connector checks on every call that its real path
 * stays inside the app's directory.
 */
@Injectable()
export class ConnectorFactory {
  private readonly localRoot: LocalRoot;
  private readonly deps: ConnectorDeps;

  private readonly apiUrls: ConnectorsConfig['OAUTH_API_URLS_JSON'];

  constructor(@Inject(CONFIG) config: ConnectorsConfig) {
    this.deps = { outbound: OutboundPolicy.parse(config.OUTBOUND_ALLOW_NETWORKS) };
    this.apiUrls = config.OAUTH_API_URLS_JSON;
    this.localRoot = new LocalRoot(config.LOCAL_STORAGE_ROOT);
  }

  /** @returns the config to store and a display name. @throws InvalidParametersError, AuthError (401 service_unauthorized) */
  async validate(appId: string, service: ServiceName, raw: Record<string, unknown>): Promise<{ config: Record<string, unknown>; account: string }> {
    const type = typeOf(service);
    let stored: Record<string, unknown>;
    let live: unknown;
    if (service === 'local') {
      const prepared = await this.localRoot.prepare(appId, raw.path);
      stored = { ...prepared.stored };
      live = type.validateConfig({ path: prepared.absolute, jail: prepared.jail });
    } else {
      live = type.validateConfig(raw);
      stored = live as Record<string, unknown>;
    }
    const connector = type.create(live, this.deps);
    try {
      await (connector.validateCredentials ? connector.validateCredentials() : connector.stat(''));
    } finally {
      await connector.close?.().catch(() => undefined);
    }
    return { config: stored, account: displayName(service, stored) };
  }

  /**
   * The live connector of an account of `appId`. OAuth services get their
   * token from `tokens` and their API addresses from OAUTH_API_URLS_JSON (the
   * services' own by default); their stored config holds only tokens.
   * @throws InvalidParametersError
   */
  async create(appId: string, service: string, stored: Record<string, unknown>, tokens?: TokenSource): Promise<Connector> {
    const type = typeOf(service);
    if (isOAuthService(service)) return type.create(type.validateConfig(this.apiUrls[service] ?? {}), { ...this.deps, tokens });
    const config = service === 'local' ? { path: (await this.localRoot.open(appId, stored)).absolute, jail: this.localRoot.appDir(appId) } : stored;
    return type.create(type.validateConfig(config), this.deps);
  }

  capabilities(service: string) {
    if (!isServiceName(service)) throw new InvalidParametersError(`Unknown service "${service}".`);
    return { apis: ['storage'], capabilities: capabilitiesOf(connectorTypes[service].traits) };
  }
}

function typeOf(service: string): ConnectorType<unknown> {
  if (!isServiceName(service)) throw new InvalidParametersError(`The "${service}" service is not available.`);
  return connectorTypes[service] as ConnectorType<unknown>;
}

function isOAuthService(service: string): service is OAuthServiceName {
  return (OAUTH_SERVICE_NAMES as readonly string[]).includes(service);
}

function displayName(service: string, config: Record<string, unknown>): string {
  for (const field of DISPLAY_FIELDS) {
    if (typeof config[field] === 'string' && config[field]) {
      const user = typeof config.username === 'string' ? `${config.username}@` : '';
      return `${service}:${user}${config[field]}`;
    }
  }
  return typeof config.path === 'string' ? `${service}:${config.path}` : service;
}

import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, InvalidParametersError, type ServiceName } from '@app/common';
import { capabilitiesOf } from '../connectors/capabilities';
import type { Connector } from '../connectors/connector';
import { connectorTypes, isServiceName, type ConnectorType } from '../connectors/registry';
import type { ConnectorsConfig } from '../connectors.config';
import { LocalRoot } from './local-root';

/** Config fields that name an account well, most specific first. */
const DISPLAY_FIELDS = ['bucket', 'container', 'host', 'url', 'endpoint'];

/**
 * Turns an account's stored config into a live connector, and checks a new
 * config against its service before auth stores it.
 *
 * `local` paths are this deployment's policy, not a connector capability:
 * users give a folder relative to LOCAL_STORAGE_ROOT, the stored config keeps
 * it relative, and it is resolved (and checked again) each time.
 */
@Injectable()
export class ConnectorFactory {
  private readonly localRoot: LocalRoot;

  constructor(@Inject(CONFIG) config: ConnectorsConfig) {
    this.localRoot = new LocalRoot(config.LOCAL_STORAGE_ROOT);
  }

  /** @returns the config to store and a display name. @throws InvalidParametersError, AuthError (401 service_unauthorized) */
  async validate(service: ServiceName, raw: Record<string, unknown>): Promise<{ config: Record<string, unknown>; account: string }> {
    const type = typeOf(service);
    let stored: Record<string, unknown>;
    let live: unknown;
    if (service === 'local') {
      const { relative, absolute } = await this.localRoot.prepare(raw.path);
      stored = { path: relative };
      live = type.validateConfig({ path: absolute });
    } else {
      live = type.validateConfig(raw);
      stored = live as Record<string, unknown>;
    }
    const connector = type.create(live);
    try {
      await (connector.validateCredentials ? connector.validateCredentials() : connector.stat(''));
    } finally {
      await connector.close?.().catch(() => undefined);
    }
    return { config: stored, account: displayName(service, stored) };
  }

  create(service: ServiceName, stored: Record<string, unknown>): Connector {
    const type = typeOf(service);
    const config = service === 'local' ? { path: this.localRoot.resolve(stored.path).absolute } : stored;
    return type.create(type.validateConfig(config));
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

function displayName(service: string, config: Record<string, unknown>): string {
  for (const field of DISPLAY_FIELDS) {
    if (typeof config[field] === 'string' && config[field]) {
      const user = typeof config.username === 'string' ? `${config.username}@` : '';
      return `${service}:${user}${config[field]}`;
    }
  }
  return typeof config.path === 'string' ? `${service}:${config.path}` : service;
}

import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, UnsupportedError, type ServiceName } from '@app/common';
import type { Connector } from '../connectors/connector';
import { LocalConnector } from '../connectors/local/local.connector';
import type { ConnectorsConfig } from '../connectors.config';
import { LocalRoot } from './local-root';

/**
 * Turns an account's stored config into a live connector, and checks a new
 * config against its service before auth stores it.
 */
@Injectable()
export class ConnectorFactory {
  private readonly localRoot: LocalRoot;

  constructor(@Inject(CONFIG) config: ConnectorsConfig) {
    this.localRoot = new LocalRoot(config.LOCAL_STORAGE_ROOT);
  }

  /** @returns the config to store and a display name. @throws InvalidParametersError, AuthError */
  async validate(service: ServiceName, raw: Record<string, unknown>): Promise<{ config: Record<string, unknown>; account: string }> {
    if (service !== 'local') throw new UnsupportedError(`The ${service} connector is not available yet.`);
    const { relative, absolute } = await this.localRoot.prepare(raw.path);
    const connector = new LocalConnector({ path: absolute });
    await connector.validateCredentials();
    return { config: { path: relative }, account: `local:${relative}` };
  }

  create(service: ServiceName, stored: Record<string, unknown>): Connector {
    if (service !== 'local') throw new UnsupportedError(`The ${service} connector is not available yet.`);
    return new LocalConnector({ path: this.localRoot.resolve(stored.path).absolute });
  }
}

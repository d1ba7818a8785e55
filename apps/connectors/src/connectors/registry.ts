import { traitsOfClass, type ConnectorTraits } from './capabilities';
import type { Connector } from './connector';
import { validateLocalConfig, type LocalConfig } from './local/local.config';
import { LocalConnector } from './local/local.connector';
import { validateAzureConfig, type AzureConfig } from './azure/azure.config';
import { AzureConnector } from './azure/azure.connector';
import { validateFtpConfig, type FtpConfig } from './ftp/ftp.config';
import { FtpConnector } from './ftp/ftp.connector';
import { validateS3CompatibleConfig, validateS3Config, type S3Config } from './s3/s3.config';
import { S3Connector } from './s3/s3.connector';
import { validateSftpConfig, type SftpConfig } from './sftp/sftp.config';
import { SftpConnector } from './sftp/sftp.connector';
import { validateWebdavConfig, type WebdavConfig } from './webdav/webdav.config';
import { WebdavConnector } from './webdav/webdav.connector';

/** One kind of connector: how to check its config and build it. */
export interface ConnectorType<C> {
  /** @throws InvalidParametersError naming the bad field */
  validateConfig(raw: unknown): C;
  /** Builds a connector; no network call happens until the first method call. */
  create(config: C): Connector;
  /** Features and optional methods, for capabilities before an account exists. */
  readonly traits: ConnectorTraits;
}

function define<C>(type: ConnectorType<C>): ConnectorType<C> {
  return type;
}

/** The only list of connectors: service name -> type. */
export const connectorTypes = {
  local: define<LocalConfig>({
    validateConfig: validateLocalConfig,
    create: (config) => new LocalConnector(config),
    traits: traitsOfClass(LocalConnector),
  }),
  s3: define<S3Config>({
    validateConfig: validateS3Config,
    create: (config) => new S3Connector(config),
    traits: traitsOfClass(S3Connector),
  }),
  s3_compatible: define<S3Config>({
    validateConfig: validateS3CompatibleConfig,
    create: (config) => new S3Connector(config),
    traits: traitsOfClass(S3Connector),
  }),
  sftp: define<SftpConfig>({
    validateConfig: validateSftpConfig,
    create: (config) => new SftpConnector(config),
    traits: traitsOfClass(SftpConnector),
  }),
  ftp: define<FtpConfig>({
    validateConfig: validateFtpConfig,
    create: (config) => new FtpConnector(config),
    traits: traitsOfClass(FtpConnector),
  }),
  webdav: define<WebdavConfig>({
    validateConfig: validateWebdavConfig,
    create: (config) => new WebdavConnector(config),
    traits: traitsOfClass(WebdavConnector),
  }),
  azure: define<AzureConfig>({
    validateConfig: validateAzureConfig,
    create: (config) => new AzureConnector(config),
    traits: traitsOfClass(AzureConnector),
  }),
} as const;

export type ServiceName = keyof typeof connectorTypes;
export type ConfigOf<S extends ServiceName> = (typeof connectorTypes)[S] extends ConnectorType<infer C> ? C : never;

export function isServiceName(name: string): name is ServiceName {
  return Object.prototype.hasOwnProperty.call(connectorTypes, name);
}

/** Validates a raw config and builds the connector for `service`. @throws InvalidParametersError */
export function createConnector(service: ServiceName, rawConfig: unknown): Connector {
  const type = connectorTypes[service] as ConnectorType<unknown>;
  return type.create(type.validateConfig(rawConfig));
}

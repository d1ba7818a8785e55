import type { OutboundPolicy } from '@app/common';
import { traitsOfClass, type ConnectorTraits } from './capabilities';
import type { Connector } from './connector';
import type { TokenSource } from './oauth-api';
import { addressByPath, type PathConnector } from './path-connector';
import { validateLocalConfig, type LocalConfig } from './local/local.config';
import { validateAzureConfig, type AzureConfig } from './azure/azure.config';
import { validateFtpConfig, type FtpConfig } from './ftp/ftp.config';
import { validateS3CompatibleConfig, validateS3Config, type S3Config } from './s3/s3.config';
import { validateSftpConfig, type SftpConfig } from './sftp/sftp.config';
import { validateWebdavConfig, type WebdavConfig } from './webdav/webdav.config';
import { validateBoxConfig, type BoxConfig } from './box/box.config';
import { validateDropboxConfig, type DropboxConfig } from './dropbox/dropbox.config';
import { validateGdriveConfig, type GdriveConfig } from './gdrive/gdrive.config';
import { validateOnedriveConfig, type OnedriveConfig } from './onedrive/onedrive.config';

/** What a connector is given besides its config. */
export interface ConnectorDeps {
  /** Every network connection the connector opens follows this policy (loopback and private addresses refused unless allowed). */
  outbound: OutboundPolicy;
  /** The account's OAuth access token (OAuth services only). */
  tokens?: TokenSource;
}

/** One kind of connector: how to check its config and build it. */
export interface ConnectorType<C> {
  /** @throws InvalidParametersError naming the bad field */
  validateConfig(raw: unknown): C;
  /** Builds a connector; no network call happens until the first method call. */
  create(config: C, deps: ConnectorDeps): Connector;
  /** Features and optional methods, for capabilities before an account exists. */
  readonly traits: ConnectorTraits;
}

type ClassOf<C, K> = { new (config: C, deps: ConnectorDeps): K } & Parameters<typeof traitsOfClass>[0];

/**
 * A connector type whose class (and so its SDK: AWS, Azure, ssh2, webdav…) is
 * loaded on first use, not at start: a service that no account uses costs no
 * memory or start-up time.
 */
function lazy<C>(validateConfig: (raw: unknown) => C, load: () => ClassOf<C, Connector>): ConnectorType<C> {
  return {
    validateConfig,
    create: (config, deps) => new (load())(config, deps),
    get traits() {
      return traitsOfClass(load());
    },
  };
}

/** `lazy` for a path-addressed class: its locators are its paths. */
function lazyPaths<C>(validateConfig: (raw: unknown) => C, load: () => ClassOf<C, PathConnector>): ConnectorType<C> {
  return {
    validateConfig,
    create: (config, deps) => addressByPath(new (load())(config, deps)),
    get traits() {
      return traitsOfClass(load());
    },
  };
}

/** The only list of connectors: service name -> type. */
export const connectorTypes = {
  local: lazyPaths<LocalConfig>(validateLocalConfig, () => (require('./local/local.connector') as typeof import('./local/local.connector')).LocalConnector),
  s3: lazyPaths<S3Config>(validateS3Config, () => (require('./s3/s3.connector') as typeof import('./s3/s3.connector')).S3Connector),
  s3_compatible: lazyPaths<S3Config>(validateS3CompatibleConfig, () => (require('./s3/s3.connector') as typeof import('./s3/s3.connector')).S3Connector),
  sftp: lazyPaths<SftpConfig>(validateSftpConfig, () => (require('./sftp/sftp.connector') as typeof import('./sftp/sftp.connector')).SftpConnector),
  ftp: lazyPaths<FtpConfig>(validateFtpConfig, () => (require('./ftp/ftp.connector') as typeof import('./ftp/ftp.connector')).FtpConnector),
  webdav: lazyPaths<WebdavConfig>(validateWebdavConfig, () => (require('./webdav/webdav.connector') as typeof import('./webdav/webdav.connector')).WebdavConnector),
  azure: lazyPaths<AzureConfig>(validateAzureConfig, () => (require('./azure/azure.connector') as typeof import('./azure/azure.connector')).AzureConnector),
  // OAuth services: id-addressed, their token from auth (deps.tokens), their API addresses from OAUTH_API_URLS_JSON.
  gdrive: lazy<GdriveConfig>(validateGdriveConfig, () => (require('./gdrive/gdrive.connector') as typeof import('./gdrive/gdrive.connector')).GdriveConnector),
  dropbox: lazy<DropboxConfig>(validateDropboxConfig, () => (require('./dropbox/dropbox.connector') as typeof import('./dropbox/dropbox.connector')).DropboxConnector),
  box: lazy<BoxConfig>(validateBoxConfig, () => (require('./box/box.connector') as typeof import('./box/box.connector')).BoxConnector),
  skydrive: lazy<OnedriveConfig>(validateOnedriveConfig, () => (require('./onedrive/onedrive.connector') as typeof import('./onedrive/onedrive.connector')).OnedriveConnector),
} as const;

export type ServiceName = keyof typeof connectorTypes;
export type ConfigOf<S extends ServiceName> = (typeof connectorTypes)[S] extends ConnectorType<infer C> ? C : never;

export function isServiceName(name: string): name is ServiceName {
  return Object.prototype.hasOwnProperty.call(connectorTypes, name);
}

/** Validates a raw config and builds the connector for `service`. @throws InvalidParametersError */
export function createConnector(service: ServiceName, rawConfig: unknown, deps: ConnectorDeps): Connector {
  const type = connectorTypes[service] as ConnectorType<unknown>;
  return type.create(type.validateConfig(rawConfig), deps);
}

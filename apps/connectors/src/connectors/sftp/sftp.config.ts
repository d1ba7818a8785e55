import { InvalidParametersError } from '@app/common';

export interface SftpConfig {
  host: string;
  port: number;
  username: string;
  /** Password auth; give this or privateKey (or both). */
  password?: string;
  /** PEM/OpenSSH private key text. */
  privateKey?: string;
  passphrase?: string;
  /** Folder on the server that is the account root: absolute, or relative to the login folder ('' = login folder). */
  root: string;
  /** Expected SHA-256 of the server's host key (hex); checked when given. */
  hostKeySha256?: string;
}

export function validateSftpConfig(raw: unknown): SftpConfig {
  if (!raw || typeof raw !== 'object') throw new InvalidParametersError('sftp config must be an object');
  const r = raw as Record<string, unknown>;
  const str = (field: string, required: boolean): string | undefined => {
    const v = r[field];
    if (v === undefined || v === null || v === '') {
      if (required) throw new InvalidParametersError(`sftp config field "${field}" is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw new InvalidParametersError(`sftp config field "${field}" must be a string`);
    return v;
  };
  const port = r.port === undefined ? 22 : r.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidParametersError('sftp config field "port" must be an integer between 1 and 65535');
  }
  const config: SftpConfig = {
    host: str('host', true)!,
    port,
    username: str('username', true)!,
    password: str('password', false),
    privateKey: str('privateKey', false),
    passphrase: str('passphrase', false),
    root: (str('root', false) ?? '').replace(/(.)\/+$/, '$1'),
    hostKeySha256: str('hostKeySha256', false)?.toLowerCase(),
  };
  if (!config.password && !config.privateKey) {
    throw new InvalidParametersError('sftp config needs "password" or "privateKey"');
  }
  if (config.root.includes('\0') || config.root.split('/').includes('..')) {
    throw new InvalidParametersError('sftp config field "root" must not contain ".." or NUL');
  }
  if (config.hostKeySha256 && !/^[0-9a-f]{64}$/.test(config.hostKeySha256)) {
    throw new InvalidParametersError('sftp config field "hostKeySha256" must be 64 hex digits');
  }
  return config;
}

import { InvalidParametersError } from '@app/common';

export interface FtpConfig {
  host: string;
  port: number;
  username: string;
  password: string;
  /** 'none': plain FTP; 'explicit': AUTH TLS on the control port (FTPS); 'implicit': legacy TLS port. */
  secure: 'none' | 'explicit' | 'implicit';
  /** PEM of a CA (or self-signed certificate) to trust for FTPS, in addition to the system CAs. */
  ca?: string;
  /** Folder on the server that is the account root (absolute, e.g. '/' or '/home/me/files'). */
  root: string;
}

export function validateFtpConfig(raw: unknown): FtpConfig {
  if (!raw || typeof raw !== 'object') throw new InvalidParametersError('ftp config must be an object');
  const r = raw as Record<string, unknown>;
  const str = (field: string): string => {
    const v = r[field];
    if (typeof v !== 'string' || v === '') throw new InvalidParametersError(`ftp config field "${field}" is required and must be a string`);
    return v;
  };
  const secure = r.secure === undefined ? 'explicit' : r.secure;
  if (secure !== 'none' && secure !== 'explicit' && secure !== 'implicit') {
    throw new InvalidParametersError('ftp config field "secure" must be "none", "explicit" or "implicit"');
  }
  const port = r.port === undefined ? (secure === 'implicit' ? 990 : 21) : r.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidParametersError('ftp config field "port" must be an integer between 1 and 65535');
  }
  const root = r.root === undefined ? '/' : r.root;
  if (typeof root !== 'string' || !root.startsWith('/') || root.includes('\0') || root.split('/').includes('..')) {
    throw new InvalidParametersError('ftp config field "root" must be an absolute path without ".."');
  }
  if (r.ca !== undefined && typeof r.ca !== 'string') throw new InvalidParametersError('ftp config field "ca" must be a PEM string');
  return {
    host: str('host'),
    port,
    username: str('username'),
    password: str('password'),
    secure,
    ca: r.ca as string | undefined,
    root: root.length > 1 ? root.replace(/\/+$/, '') : root,
  };
}

import type { FormServiceName } from '@app/common';

/**
 * The fields of each credential-based service's connect form: the `config` of
 * `POST /v1/accounts` (README, Connectors), one input each. The form only
 * collects them; the connectors service checks them, exactly as for the API.
 */
export interface FormField {
  name: string;
  label: string;
  kind: 'text' | 'secret' | 'number' | 'checkbox' | 'select' | 'textarea';
  required?: boolean;
  /** Secret text spanning lines (a private key, a connection string): a textarea never echoed back. */
  secret?: boolean;
  options?: readonly string[];
  /** The value a new form starts with. */
  initial?: string;
  placeholder?: string;
}

const prefix: FormField = { name: 'prefix', label: 'Folder prefix (optional)', kind: 'text', placeholder: 'a/b/' };

export const SERVICE_LABELS: Record<string, string> = {
  s3: 'Amazon S3',
  s3_compatible: 'S3-compatible storage',
  azure: 'Azure Blob Storage',
  webdav: 'WebDAV',
  sftp: 'SFTP',
  ftp: 'FTP / FTPS',
  local: 'Local disk',
  gdrive: 'Google Drive',
  dropbox: 'Dropbox',
  box: 'Box',
  skydrive: 'OneDrive',
};

export const FORM_FIELDS: Record<FormServiceName, readonly FormField[]> = {
  s3: [
    { name: 'bucket', label: 'Bucket', kind: 'text', required: true },
    { name: 'region', label: 'Region', kind: 'text', required: true, placeholder: 'us-east-1' },
    { name: 'accessKeyId', label: 'Access key ID', kind: 'text', required: true },
    { name: 'secretAccessKey', label: 'Secret access key', kind: 'secret', required: true },
    { name: 'endpoint', label: 'Endpoint (optional, for S3-compatible servers)', kind: 'text', placeholder: 'https://s3.example.com' },
    { name: 'forcePathStyle', label: 'Path-style addressing', kind: 'checkbox' },
    prefix,
  ],
  s3_compatible: [
    { name: 'endpoint', label: 'Endpoint', kind: 'text', required: true, placeholder: 'https://s3.example.com' },
    { name: 'bucket', label: 'Bucket', kind: 'text', required: true },
    { name: 'region', label: 'Region (optional)', kind: 'text', placeholder: 'us-east-1' },
    { name: 'accessKeyId', label: 'Access key ID', kind: 'text', required: true },
    { name: 'secretAccessKey', label: 'Secret access key', kind: 'secret', required: true },
    { name: 'forcePathStyle', label: 'Path-style addressing', kind: 'checkbox', initial: 'on' },
    prefix,
  ],
  azure: [
    { name: 'container', label: 'Container', kind: 'text', required: true },
    { name: 'accountName', label: 'Storage account name', kind: 'text' },
    { name: 'accountKey', label: 'Account key', kind: 'secret' },
    { name: 'connectionString', label: 'Or a connection string', kind: 'textarea', secret: true },
    { name: 'endpoint', label: 'Blob endpoint (optional)', kind: 'text' },
    prefix,
  ],
  webdav: [
    { name: 'url', label: 'Folder URL', kind: 'text', required: true, placeholder: 'https://dav.example.com/files/me/' },
    { name: 'username', label: 'User name', kind: 'text' },
    { name: 'password', label: 'Password', kind: 'secret' },
  ],
  sftp: [
    { name: 'host', label: 'Host', kind: 'text', required: true },
    { name: 'port', label: 'Port', kind: 'number', initial: '22' },
    { name: 'username', label: 'User name', kind: 'text', required: true },
    { name: 'password', label: 'Password', kind: 'secret' },
    { name: 'privateKey', label: 'Or a private key (OpenSSH or PEM)', kind: 'textarea', secret: true },
    { name: 'passphrase', label: 'Key passphrase', kind: 'secret' },
    { name: 'root', label: 'Folder (optional)', kind: 'text' },
    { name: 'hostKeySha256', label: 'Host key SHA-256 (hex, optional)', kind: 'text' },
  ],
  ftp: [
    { name: 'host', label: 'Host', kind: 'text', required: true },
    { name: 'port', label: 'Port (optional)', kind: 'number' },
    { name: 'username', label: 'User name', kind: 'text', required: true },
    { name: 'password', label: 'Password', kind: 'secret', required: true },
    { name: 'secure', label: 'Encryption', kind: 'select', options: ['explicit', 'implicit', 'none'], initial: 'explicit' },
    { name: 'root', label: 'Folder', kind: 'text', initial: '/' },
    { name: 'ca', label: 'CA certificate (PEM, optional)', kind: 'textarea' },
  ],
};

const isSecret = (f: FormField) => f.kind === 'secret' || f.secret === true;

/**
 * The service config a submitted form describes: empty fields are left out (the
 * service's defaults apply), numbers are numbers when they are digits (anything
 * else is passed on for the service's check to name), a checkbox is a boolean.
 */
export function configFromForm(service: FormServiceName, body: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of FORM_FIELDS[service]) {
    const raw = body[field.name];
    if (field.kind === 'checkbox') {
      config[field.name] = raw !== undefined && raw !== '' && raw !== 'false';
      continue;
    }
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    const value = isSecret(field) ? raw : raw.trim();
    config[field.name] = field.kind === 'number' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value;
  }
  return config;
}

/** What a re-shown form keeps of a submission: every field but the secret ones. */
export function formValues(service: FormServiceName, body: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of FORM_FIELDS[service]) {
    const raw = body[field.name];
    if (isSecret(field)) continue;
    if (field.kind === 'checkbox') values[field.name] = raw !== undefined && raw !== '' ? 'on' : '';
    else if (typeof raw === 'string') values[field.name] = raw.slice(0, 4096);
  }
  return values;
}

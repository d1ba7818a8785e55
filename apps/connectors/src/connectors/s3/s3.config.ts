import { InvalidParametersError } from '@app/common';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface S3Config {
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Custom endpoint (S3-compatible services, tests); AWS when absent. */
  endpoint?: string;
  /** Path-style URLs (bucket in the path); most S3-compatible servers need it. */
  forcePathStyle?: boolean;
  /** Key prefix that is the account's root, normalised to '' or 'a/b/'. */
  prefix?: string;
  /** Objects larger than this are copied with UploadPartCopy (CopyObject takes at most 5 GiB, the default). */
  multipartCopyAbove?: number;
  /** Part size of those copies (5 MiB–5 GiB; default 512 MiB, raised so a copy stays within 10,000 parts). */
  multipartCopyPartSize?: number;
}

function requireString(raw: Record<string, unknown>, service: string, field: string): string {
  const value = raw[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidParametersError(`${service} config field "${field}" is required and must be a non-empty string`);
  }
  return value;
}

function validate(raw: unknown, service: 's3' | 's3_compatible'): S3Config {
  if (!raw || typeof raw !== 'object') throw new InvalidParametersError(`${service} config must be an object`);
  const r = raw as Record<string, unknown>;
  const bucket = requireString(r, service, 'bucket');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}$/.test(bucket)) {
    throw new InvalidParametersError(`${service} config field "bucket" is not a valid bucket name`);
  }
  const config: S3Config = {
    bucket,
    region: typeof r.region === 'string' && r.region !== '' ? r.region : service === 's3' ? requireString(r, service, 'region') : 'us-east-1',
    accessKeyId: requireString(r, service, 'accessKeyId'),
    secretAccessKey: requireString(r, service, 'secretAccessKey'),
  };
  if (r.endpoint !== undefined || service === 's3_compatible') {
    const endpoint = requireString(r, service, 'endpoint');
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new InvalidParametersError(`${service} config field "endpoint" must be a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidParametersError(`${service} config field "endpoint" must be an http(s) URL`);
    }
    config.endpoint = endpoint;
  }
  if (r.forcePathStyle !== undefined) {
    if (typeof r.forcePathStyle !== 'boolean') throw new InvalidParametersError(`${service} config field "forcePathStyle" must be a boolean`);
    config.forcePathStyle = r.forcePathStyle;
  } else if (service === 's3_compatible') {
    config.forcePathStyle = true;
  }
  if (r.prefix !== undefined) {
    if (typeof r.prefix !== 'string') throw new InvalidParametersError(`${service} config field "prefix" must be a string`);
    config.prefix = normalizePrefix(r.prefix, service);
  }
  for (const field of ['multipartCopyAbove', 'multipartCopyPartSize'] as const) {
    const value = r[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 5 * MiB || value > 5 * GiB) {
      throw new InvalidParametersError(`${service} config field "${field}" must be a whole number of bytes between 5 MiB and 5 GiB`);
    }
    config[field] = value;
  }
  return config;
}

/** '' or 'a/b/' (no leading slash, one trailing slash, no empty or dot segments). */
export function normalizePrefix(prefix: string, service = 's3'): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  if (trimmed.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidParametersError(`${service} config field "prefix" has an invalid segment`);
  }
  return `${trimmed}/`;
}

export function validateS3Config(raw: unknown): S3Config {
  return validate(raw, 's3');
}

/** Same fields; `endpoint` required, path-style by default. */
export function validateS3CompatibleConfig(raw: unknown): S3Config {
  return validate(raw, 's3_compatible');
}

import { InvalidParametersError } from '@app/common';
import { normalizePrefix } from '../s3/s3.config';

export type AzureConfig = (
  | { connectionString: string }
  | { accountName: string; accountKey: string; /** Blob endpoint; https://<account>.blob.core.windows.net when absent. */ endpoint?: string }
) & {
  container: string;
  /** Blob-name prefix that is the account's root, normalised to '' or 'a/b/'. */
  prefix?: string;
};

export function validateAzureConfig(raw: unknown): AzureConfig {
  if (!raw || typeof raw !== 'object') throw new InvalidParametersError('azure config must be an object');
  const r = raw as Record<string, unknown>;
  const str = (field: string): string => {
    const v = r[field];
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidParametersError(`azure config field "${field}" is required and must be a non-empty string`);
    return v;
  };
  const container = str('container');
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container) && container !== '$root') {
    throw new InvalidParametersError('azure config field "container" is not a valid container name');
  }
  let prefix: string | undefined;
  if (r.prefix !== undefined) {
    if (typeof r.prefix !== 'string') throw new InvalidParametersError('azure config field "prefix" must be a string');
    prefix = normalizePrefix(r.prefix, 'azure');
  }
  if (r.connectionString !== undefined) {
    const connectionString = str('connectionString');
    if (!/AccountName=|SharedAccessSignature=|UseDevelopmentStorage=/i.test(connectionString)) {
      throw new InvalidParametersError('azure config field "connectionString" is not a storage connection string');
    }
    return { connectionString, container, prefix };
  }
  const accountName = str('accountName');
  const accountKey = str('accountKey');
  if (!/^[A-Za-z0-9+/=]+$/.test(accountKey)) throw new InvalidParametersError('azure config field "accountKey" must be base64');
  let endpoint: string | undefined;
  if (r.endpoint !== undefined) {
    endpoint = str('endpoint');
    try {
      const url = new URL(endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    } catch {
      throw new InvalidParametersError('azure config field "endpoint" must be an http(s) URL');
    }
  }
  return { accountName, accountKey, endpoint, container, prefix };
}

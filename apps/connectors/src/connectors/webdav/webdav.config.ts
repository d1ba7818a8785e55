import { InvalidParametersError } from '@app/common';

export interface WebdavConfig {
  /** URL of the collection that is the account root, e.g. https://host/remote.php/dav/files/me/ */
  url: string;
  username?: string;
  password?: string;
}

export function validateWebdavConfig(raw: unknown): WebdavConfig {
  if (!raw || typeof raw !== 'object') throw new InvalidParametersError('webdav config must be an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.url !== 'string' || r.url === '') throw new InvalidParametersError('webdav config field "url" is required');
  let url: URL;
  try {
    url = new URL(r.url);
  } catch {
    throw new InvalidParametersError('webdav config field "url" must be a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidParametersError('webdav config field "url" must be an http(s) URL');
  }
  if (url.username || url.password) {
    throw new InvalidParametersError('webdav config field "url" must not contain credentials; use "username" and "password"');
  }
  for (const field of ['username', 'password'] as const) {
    if (r[field] !== undefined && typeof r[field] !== 'string') {
      throw new InvalidParametersError(`webdav config field "${field}" must be a string`);
    }
  }
  if ((r.username === undefined) !== (r.password === undefined)) {
    throw new InvalidParametersError('webdav config needs both "username" and "password", or neither');
  }
  return { url: url.toString().replace(/\/+$/, ''), username: r.username as string | undefined, password: r.password as string | undefined };
}

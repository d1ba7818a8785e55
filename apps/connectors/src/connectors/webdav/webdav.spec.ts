import { AuthError, BadRequestError, ConflictError, NotFoundError, RateLimitError, UpstreamError } from '@app/common';
import { validateWebdavConfig } from './webdav.config';
import { toAppError, toEntry } from './webdav.mapper';

/** Shape of the `webdav` client's errors: `status` and a fetch Response. */
const davError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`Invalid response: ${status}`), { status, response: { headers: new Headers(headers) } });

describe('webdav mapper', () => {
  it('maps a PROPFIND FileStat', () => {
    expect(
      toEntry('a/r é.txt', { basename: 'r é.txt', lastmod: 'Mon, 23 Nov 2026 13:00:00 GMT', size: 4, type: 'file', mime: 'text/plain', etag: '"e"' }),
    ).toMatchObject({ name: 'r é.txt', kind: 'file', size: 4, modified: new Date('2026-11-23T13:00:00Z'), mimeType: 'text/plain', raw: { etag: '"e"' } });
    expect(toEntry('a', { basename: 'a', lastmod: '', size: 0, type: 'directory' })).toMatchObject({ kind: 'folder', size: null, modified: null });
  });

  it('maps HTTP statuses', () => {
    expect(toAppError(davError(401))).toBeInstanceOf(AuthError);
    expect(toAppError(davError(404))).toBeInstanceOf(NotFoundError);
    expect(toAppError(davError(412))).toBeInstanceOf(ConflictError);
    const limited = toAppError(davError(429, { 'retry-after': '12' }));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.extra.retryAfter).toBe(12);
    expect(toAppError(davError(507)).code).toBe('insufficient_storage');
    expect(toAppError(davError(502)).retryable).toBe(true);
    expect(toAppError(davError(422))).toBeInstanceOf(BadRequestError);
    expect(toAppError(new TypeError('fetch failed'))).toBeInstanceOf(UpstreamError);
  });
});

describe('webdav config', () => {
  it('accepts a collection URL with or without credentials', () => {
    expect(validateWebdavConfig({ url: 'https://dav.example/files/' }).url).toBe('https://dav.example/files');
    expect(validateWebdavConfig({ url: 'http://h/x', username: 'u', password: 'p' })).toMatchObject({ username: 'u' });
  });
  it('names the bad field', () => {
    expect(() => validateWebdavConfig({})).toThrow(/"url"/);
    expect(() => validateWebdavConfig({ url: 'ftp://h' })).toThrow(/"url"/);
    expect(() => validateWebdavConfig({ url: 'https://u:p@h/' })).toThrow(/"url"/);
    expect(() => validateWebdavConfig({ url: 'https://h/', username: 'u' })).toThrow(/"password"/);
  });
});

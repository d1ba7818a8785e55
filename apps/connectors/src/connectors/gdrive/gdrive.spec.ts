import { Readable } from 'node:stream';
import {
  AuthError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  RateLimitError,
  UnsupportedError,
  UpstreamError,
} from '@app/common';
import type { ApiFailure } from '../oauth-api';
import { ChunkReader } from './chunk-reader';
import { validateGdriveConfig } from './gdrive.config';
import { driveId } from './gdrive.connector';
import { FOLDER_MIME, mapFailure, quote, toEntry, type DriveFile } from './gdrive.mapper';

const ROOT = '0AroOt';

function failure(status: number, reason?: string, headers: Record<string, string> = {}): ApiFailure {
  const text = reason ? JSON.stringify({ error: { code: status, message: 'm', errors: [{ domain: 'global', reason, message: 'm' }] } }) : 'not json';
  return { status, headers, text, op: 'stat' };
}

describe('gdrive mapper', () => {
  const file: DriveFile = {
    kind: 'drive#file',
    id: 'f1',
    name: 'a.txt',
    mimeType: 'text/plain',
    parents: ['p1', 'p2'],
    size: '12',
    createdTime: '2024-01-02T03:04:05.000Z',
    modifiedTime: '2024-02-02T03:04:05.000Z',
    md5Checksum: 'abc',
  };

  it('maps a binary file: id as locator, the first parent, size from the int64 string, raw as returned', () => {
    expect(toEntry(file, ROOT)).toEqual({
      locator: 'f1',
      parent: 'p1',
      name: 'a.txt',
      kind: 'file',
      size: 12,
      created: new Date('2024-01-02T03:04:05.000Z'),
      modified: new Date('2024-02-02T03:04:05.000Z'),
      mimeType: 'text/plain',
      raw: file,
      // Drive's md5Checksum, which verifies copies into Drive.
      checksums: { md5: 'abc' },
    });
  });

  it('reports a child of the root with the parent "" and the root itself as ""', () => {
    expect(toEntry({ ...file, parents: [ROOT] }, ROOT).parent).toBe('');
    expect(toEntry({ id: ROOT, name: 'My Drive', mimeType: FOLDER_MIME }, ROOT)).toMatchObject({ locator: '', parent: null, name: '', kind: 'folder' });
  });

  it('gives folders and Google-native documents no size', () => {
    expect(toEntry({ id: 'd', name: 'd', mimeType: FOLDER_MIME, parents: ['p'] }, ROOT)).toMatchObject({ kind: 'folder', size: null });
    expect(toEntry({ id: 'g', name: 'doc', mimeType: 'application/vnd.google-apps.document', parents: ['p'], size: '1024' }, ROOT)).toMatchObject({ kind: 'file', size: null });
  });

  it('quotes query strings with backslash escapes', () => {
    expect(quote("quinn's paper\\essay")).toBe("'quinn\\'s paper\\\\essay'");
    expect(quote('plain')).toBe("'plain'");
  });

  it.each([
    [404, 'notFound', NotFoundError],
    [401, 'authError', AuthError],
    [403, 'storageQuotaExceeded', QuotaError],
    [403, 'insufficientFilePermissions', PermissionDeniedError],
    [403, 'fileNotDownloadable', UnsupportedError],
    [400, 'invalid', InvalidParametersError],
    [416, 'requestedRangeNotSatisfiable', InvalidRangeError],
    [500, 'backendError', UpstreamError],
    [502, undefined, UpstreamError],
  ] as const)('maps %i %s', (status, reason, cls) => {
    expect(mapFailure(failure(status, reason))).toBeInstanceOf(cls);
  });

  it('takes Drive 403 rate limits (rateLimitExceeded, userRateLimitExceeded) for rate limits, with Retry-After', () => {
    const rate = mapFailure(failure(403, 'rateLimitExceeded', { 'retry-after': '9' }));
    expect(rate).toBeInstanceOf(RateLimitError);
    expect(rate?.extra.retryAfter).toBe(9);
    expect(mapFailure(failure(403, 'userRateLimitExceeded'))).toBeInstanceOf(RateLimitError);
  });

  it('never puts the request into a message', () => {
    const err = mapFailure({ ...failure(400, 'invalid'), text: '{"error":{"errors":[{"reason":"invalid"}],"message":"Bearer secret"}}' });
    expect(err?.message).not.toContain('secret');
  });
});

describe('gdrive config', () => {
  it('defaults to Google\'s hosts', () => {
    expect(validateGdriveConfig({})).toEqual({
      apiUrl: 'https://www.googleapis.com/drive/v3',
      uploadUrl: 'https://www.googleapis.com/upload/drive/v3',
      resumableThreshold: 5 * 1024 * 1024,
      chunkSize: 8 * 1024 * 1024,
    });
    expect(validateGdriveConfig(undefined).apiUrl).toBe('https://www.googleapis.com/drive/v3');
  });

  it('takes overrides, without a trailing slash', () => {
    expect(validateGdriveConfig({ apiUrl: 'http://127.0.0.1:9/drive/v3/', chunkSize: 512 * 1024 })).toMatchObject({ apiUrl: 'http://127.0.0.1:9/drive/v3', chunkSize: 512 * 1024 });
  });

  it.each([{ chunkSize: 1000 }, { chunkSize: 100 * 1024 }, { apiUrl: 'ftp://x' }, { apiUrl: 'not a url' }, { token: 'x' }, { resumableThreshold: -1 }])('refuses %o', (raw) => {
    expect(() => validateGdriveConfig(raw)).toThrow(InvalidParametersError);
  });
});

describe('gdrive locators', () => {
  it('maps "" to the alias root and passes Drive ids', () => {
    expect(driveId('')).toBe('root');
    expect(driveId('1AbC_d-9')).toBe('1AbC_d-9');
  });

  it.each(['.', '..', 'a/b', 'a\\b', 'a\0b', '../x'])('refuses a locator that is no Drive id (#%#)', (bad) => {
    expect(() => driveId(bad)).toThrow(InvalidParametersError);
  });
});

describe('ChunkReader', () => {
  const source = () => Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')]);

  it('cuts a stream into pieces of a chosen size and knows the end', async () => {
    const reader = new ChunkReader(source());
    expect((await reader.read(4)).toString()).toBe('abcd');
    expect(await reader.atEnd()).toBe(false);
    expect((await reader.read(4)).toString()).toBe('efgh');
    expect((await reader.read(4)).toString()).toBe('ij');
    expect(await reader.atEnd()).toBe(true);
    expect((await reader.read(4)).length).toBe(0);
  });

  it('reads back what was put back first', async () => {
    const reader = new ChunkReader(source());
    const head = await reader.read(5);
    reader.unshift(head);
    expect((await reader.read(100)).toString()).toBe('abcdefghij');
  });
});

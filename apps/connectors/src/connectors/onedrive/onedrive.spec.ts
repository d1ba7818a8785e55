import { Readable } from 'node:stream';
import {
  AuthError,
  BadRequestError,
  ConflictError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  RateLimitError,
  UpstreamError,
} from '@app/common';
import type { ApiFailure } from '../oauth-api';
import { validateOnedriveConfig } from './onedrive.config';
import { entryOf, errorCodes, FragmentOverlapError, mapFailure, parentOf, pathOf, rootEntry, type DriveItem } from './onedrive.mapper';
import { QuickXorHash, quickXorHash } from './quickxor';
import { chunksOf, readHead } from './upload-source';

/** A driveItem as Graph returns it from GET /items/{id} (trimmed). */
const file: DriveItem = {
  id: 'D4648F06C91D9D3D!54927',
  name: 'report.txt',
  size: 12,
  createdDateTime: '2024-01-02T03:04:05Z',
  lastModifiedDateTime: '2024-02-03T04:05:06Z',
  parentReference: { driveId: 'd4648f06c91d9d3d', driveType: 'personal', id: 'D4648F06C91D9D3D!100', path: '/drive/root:/Docs' },
  file: { mimeType: 'text/plain', hashes: { quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } },
};

const failure = (status: number, error: unknown, headers: Record<string, string> = {}): ApiFailure => ({
  status,
  headers,
  text: typeof error === 'string' ? error : JSON.stringify({ error }),
  op: 'stat',
});

describe('onedrive mapper', () => {
  it('maps a file item, keeping the service object as raw', () => {
    expect(entryOf(file)).toEqual({
      locator: file.id,
      parent: 'D4648F06C91D9D3D!100',
      name: 'report.txt',
      kind: 'file',
      size: 12,
      created: new Date('2024-01-02T03:04:05Z'),
      modified: new Date('2024-02-03T04:05:06Z'),
      mimeType: 'text/plain',
      raw: file,
      path: 'Docs/report.txt',
    });
  });

  it('reads the path below the root from the percent-encoded parent path', () => {
    expect(pathOf({ ...file, parentReference: { id: 'X!0', path: '/drive/root:' } })).toBe('report.txt');
    expect(pathOf({ ...file, parentReference: { id: 'X!5', path: '/drive/root:/My%20Docs/a%25b' } })).toBe('My Docs/a%b/report.txt');
    expect(pathOf({ ...file, parentReference: { id: 'X!5', path: '/drives/abc/root:/x' } })).toBe('x/report.txt');
    expect(pathOf({ ...file, parentReference: { id: 'X!5' } })).toBeUndefined();
    expect(pathOf({ ...file, parentReference: { id: 'X!5', path: '/drive/root:/bad%E0' } })).toBeUndefined();
  });

  it('maps a folder (size null) and takes the parent the caller knows', () => {
    const folder: DriveItem = { id: 'X!1', name: 'Docs', size: 300, folder: { childCount: 2 }, parentReference: { id: 'X!0' } };
    expect(entryOf(folder, '')).toMatchObject({ locator: 'X!1', parent: '', kind: 'folder', size: null });
  });

  it('reports the root as the locator "" and its children with parent ""', () => {
    const root: DriveItem = { id: 'X!0', name: 'root', root: {}, folder: { childCount: 1 }, parentReference: { driveId: 'x' } };
    expect(entryOf(root)).toMatchObject({ locator: '', parent: null, name: '', kind: 'folder' });
    expect(rootEntry()).toEqual({ locator: '', parent: null, name: '', kind: 'folder', path: '', size: null, created: null, modified: null });
    expect(parentOf({ ...file, parentReference: { id: 'X!0', path: '/drive/root:' } })).toBe('');
    expect(parentOf({ ...file, parentReference: { id: 'X!0', path: '/drives/abc/root:' } })).toBe('');
    // Search results carry no path: the root's id decides.
    expect(parentOf({ ...file, parentReference: { id: 'X!0' } }, 'X!0')).toBe('');
    expect(parentOf({ ...file, parentReference: { id: 'X!7' } }, 'X!0')).toBe('X!7');
  });

  it('reads the error codes of a Graph error body, inner ones included', () => {
    expect(errorCodes(JSON.stringify({ error: { code: 'invalidRange', innererror: { code: 'fragmentOverlap' } } }))).toEqual(['invalidRange', 'fragmentOverlap']);
    expect(errorCodes('not json')).toEqual([]);
    expect(errorCodes(JSON.stringify({ error: 'injected 503' }))).toEqual([]);
  });

  it('maps Graph errors by code, then by status', () => {
    expect(mapFailure(failure(404, { code: 'itemNotFound', message: 'Item does not exist' }))).toBeInstanceOf(NotFoundError);
    expect(mapFailure(failure(404, { code: 'itemNotFound', innererror: { code: 'uploadSessionNotFound' } }))).toBeInstanceOf(UpstreamError);
    expect(mapFailure(failure(409, { code: 'nameAlreadyExists', message: 'taken' }))).toBeInstanceOf(ConflictError);
    expect(mapFailure(failure(409, { code: 'upload_name_conflict', message: 'taken' }))).toBeInstanceOf(ConflictError);
    expect(mapFailure(failure(507, { code: 'quotaLimitReached', message: 'full' }))).toBeInstanceOf(QuotaError);
    expect(mapFailure(failure(403, { code: 'accessDenied', message: 'no' }))).toBeInstanceOf(PermissionDeniedError);
    expect(mapFailure(failure(401, { code: 'InvalidAuthenticationToken', message: 'expired' }))).toBeInstanceOf(AuthError);
    expect(mapFailure(failure(416, { code: 'invalidRange', message: 'bad range' }))).toBeInstanceOf(InvalidRangeError);
    expect(mapFailure(failure(400, { code: 'invalidRequest', message: 'bad' }))).toBeInstanceOf(BadRequestError);
    const throttled = mapFailure(failure(503, { code: 'activityLimitReached', message: 'slow down' }, { 'retry-after': '12' }))!;
    expect(throttled).toBeInstanceOf(RateLimitError);
    expect(throttled.extra.retryAfter).toBe(12);
    expect(throttled.retryable).toBe(false);
    const unavailable = mapFailure(failure(503, { code: 'serviceNotAvailable', message: 'later' }))!;
    expect(unavailable).toBeInstanceOf(UpstreamError);
    expect(unavailable.retryable).toBe(true);
    expect(mapFailure(failure(503, 'injected 503'))).toBeInstanceOf(UpstreamError);
    // A fragment out of step with its session: retryable, not the caller's fault.
    const overlap = mapFailure(failure(416, { code: 'invalidRange', innererror: { code: 'fragmentOverlap' } }))!;
    expect(overlap).toBeInstanceOf(FragmentOverlapError);
    expect(overlap.retryable).toBe(false); // the connector asks the session instead
    expect(mapFailure(failure(416, { code: 'invalidRange', innererror: { code: 'fragmentOutOfOrder' } }))!.retryable).toBe(true);
  });

  it('never puts the service message (which could echo anything) in ours', () => {
    const err = mapFailure(failure(400, { code: 'invalidRequest', message: 'Bearer secret-token-value' }))!;
    expect(err.message).not.toContain('secret-token-value');
  });
});

describe('onedrive config', () => {
  it('defaults to Microsoft Graph', () => {
    expect(validateOnedriveConfig({})).toEqual({
      apiUrl: 'https://graph.microsoft.com/v1.0/me/drive',
      simpleUploadLimit: 4 * 1024 * 1024,
      uploadChunkSize: 10 * 1024 * 1024,
      copyTimeoutMs: 600_000,
    });
    expect(validateOnedriveConfig(undefined).apiUrl).toBe('https://graph.microsoft.com/v1.0/me/drive');
  });

  it('takes overrides and refuses bad values, naming the field', () => {
    expect(validateOnedriveConfig({ apiUrl: 'http://127.0.0.1:9/v1.0/me/drive/', uploadChunkSize: 327680 })).toMatchObject({ apiUrl: 'http://127.0.0.1:9/v1.0/me/drive', uploadChunkSize: 327680 });
    expect(() => validateOnedriveConfig({ uploadChunkSize: 1000 })).toThrow(/uploadChunkSize.*320 KiB/);
    expect(() => validateOnedriveConfig({ simpleUploadLimit: 5 * 1024 * 1024 })).toThrow(InvalidParametersError);
    expect(() => validateOnedriveConfig({ apiUrl: 'ftp://host/x' })).toThrow(/apiUrl/);
    expect(() => validateOnedriveConfig({ apiUrl: 'https://user:pw@host/x' })).toThrow(/apiUrl/);
  });
});

describe('QuickXorHash', () => {
  // Vectors from rclone's quickxorhash tests (checked there against Microsoft's reference implementation).
  const vectors: [string, string][] = [
    ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
    ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
    ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
    ['ikwCorI7PKWz17EI50jZCGbV9JU2E8bXVfxNMg5zdmqSZ2NlsQPp0kqYIPjzwTg1MBtfWPg53k0h0P2naJNEVgrqpoHTfV2b3pJ4m0zYPTJmUX4Bg/lOxcnCxAYKU29Y5F0U8Quz7ZXFBEweftXxJ7RS4r6N7BzJrPsLhY7hgck=', 'imAoFvCWlDn4yVw3/oq1PDbbm6U='],
    [
      'w0LGhqU1WXFbdavqDE4kAjEzWLGGzmTNikzqnsiXHx2KRReKVTxkv27u3UcEz9+lbMvYl4xFf2Z4aE1xRBBNd1Ke5C0zToSaYw5o4B/7X99nKK2/XaUX1byLow2aju2XJl2OpKpJg+tSJ2fmjIJTkfuYUz574dFX6/VXxSxwGH/xQEAKS5TCsBK3CwnuG1p5SAsQq3gGVozDWyjEBcWDMdy8/AIFrj/y03Lfc/RNRCQTAfZbnf2QwV7sluw4fH3XJr07UoD0YqN+7XZzidtrwqMY26fpLZnyZjnBEt1FAZWO7RnKG5asg8xRk9YaDdedXdQSJAOy6bWEWlABj+tVAigBxavaluUH8LOj+yfCFldJjNLdi90fVHkUD/m4Mr5OtmupNMXPwuG3EQlqWUVpQoYpUYKLsk7a5Mvg6UFkiH596y5IbJEVCI1Kb3D1',
      'e3+wo77iKcILiZegnzyUNcjCdoQ=',
    ],
  ];

  it('matches the reference vectors', () => {
    for (const [input, expected] of vectors) expect(quickXorHash(Buffer.from(input, 'base64'))).toBe(expected);
  });

  it('gives the same digest fed in pieces of any size', () => {
    const data = Buffer.from(vectors[5][0], 'base64');
    for (const size of [1, 7, 64, 161]) {
      const hash = new QuickXorHash();
      for (let i = 0; i < data.length; i += size) hash.update(data.subarray(i, i + size));
      expect(hash.digest()).toBe(vectors[5][1]);
    }
  });
});

describe('upload sources', () => {
  const pieces = (data: Buffer, size: number) => {
    const out: Buffer[] = [];
    for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
    return out;
  };
  const collect = async (source: AsyncIterable<Buffer>) => {
    const out: Buffer[] = [];
    for await (const chunk of source) out.push(Buffer.from(chunk));
    return out;
  };

  it('cuts a stream into fixed-size chunks whatever the input pieces', async () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const chunks = await collect(chunksOf(Readable.from(pieces(data, 37)), 300));
    expect(chunks.map((c) => c.length)).toEqual([300, 300, 300, 100]);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(await collect(chunksOf(Readable.from([]), 300))).toEqual([]);
  });

  it('reads just past a limit and gives back the whole body', async () => {
    const data = Buffer.alloc(1000, 7);
    const small = await readHead(Readable.from(pieces(data, 100)), 2000);
    expect(small.ended).toBe(true);
    expect(small.head.length).toBe(1000);
    const large = await readHead(Readable.from(pieces(data, 100)), 250);
    expect(large.ended).toBe(false);
    expect(large.head.length).toBe(300);
    expect(Buffer.concat(await collect(large.whole())).equals(data)).toBe(true);
  });
});

import { createHash } from 'node:crypto';
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
import { chunksOf } from './chunks';
import { DropboxChunkWriter, resumedSession } from './dropbox.chunk-writer';
import { validateDropboxConfig } from './dropbox.config';
import { contentHash, correctOffsetOf, headerJson, IncorrectOffsetError, mapDropboxFailure, parentPathOf, toEntry } from './dropbox.mapper';

const MiB = 1024 * 1024;
const failure = (status: number, body: unknown, op = 'op'): ApiFailure => ({
  status,
  headers: {},
  text: typeof body === 'string' ? body : JSON.stringify(body),
  op,
});

describe('dropbox mapper', () => {
  it('maps a file as Dropbox lists it, keeping the raw object', () => {
    const meta = {
      '.tag': 'file',
      name: 'Report.PDF',
      id: 'id:a4ayc_80_OEAAAAAAAAAXw',
      client_modified: '2015-05-12T15:50:38Z',
      server_modified: '2015-05-12T15:50:38Z',
      rev: 'a1c10ce0dd78',
      size: 7212,
      path_lower: '/homework/math/report.pdf',
      path_display: '/Homework/math/Report.PDF',
      content_hash: 'e3b0c442',
    };
    expect(toEntry(meta, 'id:parent')).toEqual({
      locator: 'id:a4ayc_80_OEAAAAAAAAAXw',
      parent: 'id:parent',
      name: 'Report.PDF',
      kind: 'file',
      size: 7212,
      created: null,
      modified: new Date('2015-05-12T15:50:38Z'),
      mimeType: 'application/pdf',
      path: 'Homework/math/Report.PDF',
      raw: meta,
    });
  });

  it('maps folders, tagged or not (create_folder_v2 answers an untagged FolderMetadata)', () => {
    const folder = { name: 'math', id: 'id:x', path_lower: '/homework/math', path_display: '/Homework/math' };
    expect(toEntry(folder, '')).toMatchObject({ kind: 'folder', size: null, parent: '', modified: null });
    expect(toEntry({ '.tag': 'folder', ...folder }, '')).toMatchObject({ kind: 'folder' });
    // An untagged FileMetadata (files/upload) is a file by its rev and size.
    expect(toEntry({ name: 'a', id: 'id:y', rev: '1', size: 0 }, '')).toMatchObject({ kind: 'file', size: 0 });
  });

  it('finds the parent path of a path_lower', () => {
    expect(parentPathOf('/a')).toBe('');
    expect(parentPathOf('/a/b/c.txt')).toBe('/a/b');
  });

  it('escapes non-ASCII for the Dropbox-API-Arg header', () => {
    const json = headerJson({ path: '/héllo ✓ 📁.txt' });
    expect(json).toMatch(/^[\x20-\x7e]*$/);
    expect(json).toBe('{"path":"/h\\u00e9llo \\u2713 \\ud83d\\udcc1.txt"}');
    expect(JSON.parse(json)).toEqual({ path: '/héllo ✓ 📁.txt' });
  });

  it('computes the content hash over 4 MiB blocks', () => {
    const data = Buffer.alloc(4 * MiB + 3, 7);
    const blocks = [data.subarray(0, 4 * MiB), data.subarray(4 * MiB)].map((b) => createHash('sha256').update(b).digest());
    expect(contentHash(data)).toBe(createHash('sha256').update(Buffer.concat(blocks)).digest('hex'));
    expect(contentHash(Buffer.alloc(0))).toBe(createHash('sha256').digest('hex'));
  });

  it.each([
    [{ error_summary: 'path/not_found/..', error: { '.tag': 'path', path: { '.tag': 'not_found' } } }, NotFoundError],
    [{ error_summary: 'path/not_folder/...', error: { '.tag': 'path', path: { '.tag': 'not_folder' } } }, NotFoundError],
    [{ error_summary: 'from_lookup/not_found/.', error: { '.tag': 'from_lookup', from_lookup: { '.tag': 'not_found' } } }, NotFoundError],
    [{ error_summary: 'to/conflict/file/..', error: { '.tag': 'to', to: { '.tag': 'conflict', conflict: { '.tag': 'file' } } } }, ConflictError],
    [{ error_summary: 'path/conflict/folder/..', error: {} }, ConflictError],
    [{ error_summary: 'path/insufficient_space/..', error: {} }, QuotaError],
    [{ error_summary: 'path/no_write_permission/..', error: {} }, PermissionDeniedError],
    [{ error_summary: 'path/malformed_path/..', error: {} }, InvalidParametersError],
    [{ error_summary: 'cant_move_folder_into_itself/..', error: {} }, InvalidParametersError],
    [{ error_summary: 'duplicated_or_nested_paths/..', error: {} }, InvalidParametersError],
    [{ error_summary: 'too_many_write_operations/..', error: {} }, RateLimitError],
    [{ error_summary: 'something_new/..', error: {} }, BadRequestError],
  ])('maps the 409 %j', (body, cls) => {
    expect(mapDropboxFailure(failure(409, body))).toBeInstanceOf(cls);
  });

  it('maps 401, 400 (plain text), 416 and 5xx', () => {
    expect(mapDropboxFailure(failure(401, { error_summary: 'expired_access_token/..', error: { '.tag': 'expired_access_token' } }))).toBeInstanceOf(AuthError);
    expect(mapDropboxFailure(failure(400, 'Error in call to API function "files/list_folder": ...'))).toBeInstanceOf(BadRequestError);
    expect(mapDropboxFailure(failure(416, ''))).toBeInstanceOf(InvalidRangeError);
    expect(mapDropboxFailure(failure(503, ''))).toBeInstanceOf(UpstreamError);
  });

  it('reads correct_offset from append (bare) and finish (under lookup_failed) errors', () => {
    const append = { error_summary: 'incorrect_offset/..', error: { '.tag': 'incorrect_offset', correct_offset: 42 } };
    const finish = { error_summary: 'lookup_failed/incorrect_offset/..', error: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 7 } } };
    expect(correctOffsetOf(JSON.stringify(append))).toBe(42);
    expect(correctOffsetOf(JSON.stringify(finish))).toBe(7);
    const mapped = mapDropboxFailure(failure(409, append));
    expect(mapped).toBeInstanceOf(IncorrectOffsetError);
    expect(mapped).toBeInstanceOf(UpstreamError);
    expect((mapped as IncorrectOffsetError).correctOffset).toBe(42);
    expect(mapped?.retryable).toBe(false);
  });
});

describe('dropbox config', () => {
  it('defaults to the real hosts', () => {
    expect(validateDropboxConfig({})).toEqual({ apiUrl: 'https://api.dropboxapi.com', contentUrl: 'https://content.dropboxapi.com', uploadChunkSize: 8 * MiB });
    expect(validateDropboxConfig(undefined).apiUrl).toBe('https://api.dropboxapi.com');
  });

  it('takes overrides, without a trailing slash', () => {
    expect(validateDropboxConfig({ apiUrl: 'http://127.0.0.1:9/', contentUrl: 'http://127.0.0.1:9', uploadChunkSize: MiB })).toEqual({
      apiUrl: 'http://127.0.0.1:9',
      contentUrl: 'http://127.0.0.1:9',
      uploadChunkSize: MiB,
    });
  });

  it.each([
    [{ apiUrl: 'ftp://x' }, 'apiUrl'],
    [{ contentUrl: 'not a url' }, 'contentUrl'],
    [{ apiUrl: 'https://user:pw@x' }, 'apiUrl'],
    [{ uploadChunkSize: 0 }, 'uploadChunkSize'],
    [{ uploadChunkSize: 151 * MiB }, 'uploadChunkSize'],
  ])('refuses %j naming the field', (raw, field) => {
    expect(() => validateDropboxConfig(raw)).toThrow(InvalidParametersError);
    expect(() => validateDropboxConfig(raw)).toThrow(field);
  });
});

describe('chunksOf', () => {
  const collect = async (pieces: number[], size: number) => {
    const data = Buffer.from(Array.from({ length: pieces.reduce((a, b) => a + b, 0) }, (_, i) => i % 251));
    const input: Buffer[] = [];
    let at = 0;
    for (const n of pieces) input.push(data.subarray(at, (at += n)));
    const out: Buffer[] = [];
    for await (const chunk of chunksOf(Readable.from(input), size)) out.push(chunk);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    return out.map((b) => b.length);
  };

  it('cuts exact chunks from pieces of any size, the last shorter', async () => {
    expect(await collect([3, 10, 1, 2], 4)).toEqual([4, 4, 4, 4]);
    expect(await collect([9], 4)).toEqual([4, 4, 1]);
    expect(await collect([1, 1, 1], 4)).toEqual([3]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await collect([], 4)).toEqual([]);
  });
});

describe('DropboxChunkWriter', () => {
  const limits = { minPartSize: 4 * MiB, maxPartSize: 148 * MiB, maxParts: 524287 };
  const writer = (size: number) => {
    const appended: [number, number, boolean][] = [];
    const calls = {
      append: jest.fn(async (_id: string, offset: number, body: Readable | Buffer, length: number, close: boolean) => {
        if (body instanceof Readable) body.resume();
        appended.push([offset, length, close]);
      }),
      finish: jest.fn(async () => ({ locator: 'id:f', parent: '', name: 'f', kind: 'file' as const, size, created: null, modified: null })),
    };
    return { w: new DropboxChunkWriter('sess', size, limits, calls), appended, calls };
  };
  const body = (n: number) => Readable.from([Buffer.alloc(n)]);

  it('closes the session with the part that reaches the end, whatever the order', async () => {
    const { w, appended } = writer(8 * MiB + 5);
    await w.writePart({ number: 3, offset: 8 * MiB, size: 5 }, body(5));
    await w.writePart({ number: 1, offset: 0, size: 8 * MiB }, body(8 * MiB));
    expect(appended).toEqual([
      [8 * MiB, 5, true],
      [0, 8 * MiB, false],
    ]);
  });

  it('refuses parts not aligned on 4 MiB (the last part excepted)', async () => {
    const { w, calls } = writer(10 * MiB);
    await expect(w.writePart({ number: 1, offset: 0, size: 5 * MiB }, body(5 * MiB))).rejects.toThrow(InvalidParametersError);
    await expect(w.writePart({ number: 2, offset: 5 * MiB, size: 5 * MiB }, body(5 * MiB))).rejects.toThrow(InvalidParametersError);
    expect(calls.append).not.toHaveBeenCalled();
  });

  it('refuses to complete with a gap, and closes an empty file at complete', async () => {
    const { w, calls } = writer(8 * MiB);
    await expect(w.complete([{ number: 1, offset: 0, size: 4 * MiB, receipt: {} }])).rejects.toThrow(InvalidParametersError);
    expect(calls.finish).not.toHaveBeenCalled();
    const empty = writer(0);
    await empty.w.complete([]);
    expect(empty.appended).toEqual([[0, 0, true]]);
    expect(empty.calls.finish).toHaveBeenCalledWith('sess', 0);
  });

  it('keeps its session in its state, and checks a state it resumes', () => {
    expect(writer(5).w.state).toEqual({ sessionId: 'sess', size: 5 });
    expect(resumedSession({ sessionId: 'sess', size: 5 }, 5)).toBe('sess');
    expect(() => resumedSession({ sessionId: 'sess', size: 5 }, 6)).toThrow(InvalidParametersError);
    expect(() => resumedSession({ uploadId: 'x' }, 5)).toThrow(InvalidParametersError);
  });
});

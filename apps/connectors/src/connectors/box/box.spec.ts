import { Readable } from 'node:stream';
import {
  AuthError,
  BadRequestError,
  ConflictError,
  FolderNotEmptyError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  UpstreamError,
} from '@app/common';
import type { ApiFailure } from '../oauth-api';
import { BOX_DEFAULTS, isAllowedHost, validateBoxConfig } from './box.config';
import { entryOf, locatorOf, mapBoxFailure, parseContentRange, refOf, type BoxItem } from './box.mapper';
import { fixedParts, multipartForm, peek } from './box-upload';

/** A file as GET /files/{id}?fields=… answers (shape from https://developer.box.com/reference/resources/file/). */
const boxFile: BoxItem = {
  type: 'file',
  id: '12345',
  etag: '1',
  name: 'Contract.pdf',
  size: 629644,
  sha1: '85136c79cbf9fe36bb9d05d0639c70c265c18d37',
  parent: { type: 'folder', id: '678' },
  created_at: '2012-12-12T10:53:43-08:00',
  modified_at: '2012-12-12T10:55:00-08:00',
  content_created_at: '2012-12-12T10:53:43-08:00',
  content_modified_at: '2012-12-12T10:54:00-08:00',
};

const failure = (status: number, body: unknown, op = 'stat'): ApiFailure => ({
  status,
  headers: {},
  text: typeof body === 'string' ? body : JSON.stringify(body),
  op,
});
const boxError = (status: number, code: string, context_info?: unknown) => ({ type: 'error', status, code, message: `msg ${code}`, context_info, request_id: 'abc' });

describe('box locators', () => {
  it('carry the kind, since Box numbers files and folders apart; folder 0 is the root', () => {
    expect(locatorOf({ kind: 'file', id: '7' })).toBe('file:7');
    expect(locatorOf({ kind: 'folder', id: '7' })).toBe('folder:7');
    expect(locatorOf({ kind: 'folder', id: '0' })).toBe('');
    expect(refOf('')).toEqual({ kind: 'folder', id: '0' });
    expect(refOf('file:7')).toEqual({ kind: 'file', id: '7' });
    expect(refOf('folder:0')).toEqual({ kind: 'folder', id: '0' });
  });

  it('refuse anything else', () => {
    for (const bad of ['7', 'file:', 'file:abc', 'web_link:1', '../x', 'folder:1/2']) expect(refOf(bad)).toBeUndefined();
  });
});

describe('box mapper', () => {
  it('maps a file, keeping Box’s object as raw', () => {
    expect(entryOf(boxFile)).toEqual({
      locator: 'file:12345',
      parent: 'folder:678',
      name: 'Contract.pdf',
      kind: 'file',
      size: 629644,
      created: new Date('2012-12-12T18:53:43Z'),
      modified: new Date('2012-12-12T18:54:00Z'),
      mimeType: 'application/pdf',
      raw: boxFile,
      // Box's sha1, which verifies copies into Box.
      checksums: { sha1: '85136c79cbf9fe36bb9d05d0639c70c265c18d37' },
    });
  });

  it('maps a folder in the root, and the root itself', () => {
    const folder: BoxItem = { type: 'folder', id: '9', name: 'Docs', size: 100, parent: { type: 'folder', id: '0' }, created_at: null, modified_at: null };
    expect(entryOf(folder)).toMatchObject({ locator: 'folder:9', parent: '', kind: 'folder', size: null, created: null, modified: null });
    expect(entryOf({ type: 'folder', id: '0', name: 'All Files', parent: null })).toMatchObject({ locator: '', parent: null, name: '', kind: 'folder' });
  });

  it('maps Box error bodies by code', () => {
    expect(mapBoxFailure(failure(404, boxError(404, 'not_found')))).toBeInstanceOf(NotFoundError);
    expect(mapBoxFailure(failure(404, boxError(404, 'trashed')))).toBeInstanceOf(NotFoundError);
    expect(mapBoxFailure(failure(400, boxError(400, 'folder_not_empty')))).toBeInstanceOf(FolderNotEmptyError);
    expect(mapBoxFailure(failure(403, boxError(403, 'storage_limit_exceeded')))).toBeInstanceOf(QuotaError);
    expect(mapBoxFailure(failure(403, boxError(403, 'access_denied_insufficient_permissions')))).toBeInstanceOf(PermissionDeniedError);
    expect(mapBoxFailure(failure(400, boxError(400, 'item_name_invalid')))).toBeInstanceOf(InvalidParametersError);
    expect(mapBoxFailure(failure(400, boxError(400, 'bad_request')))).toBeInstanceOf(BadRequestError);
    expect(mapBoxFailure(failure(416, ''))).toBeInstanceOf(InvalidRangeError);
    expect(mapBoxFailure(failure(401, ''))).toBeInstanceOf(AuthError);
    const down = mapBoxFailure(failure(502, '<html>bad gateway</html>'));
    expect(down).toBeInstanceOf(UpstreamError);
    expect(down!.retryable).toBe(true);
  });

  it('names the conflicting item of item_name_in_use (an object for files, a list for folders)', () => {
    const file = mapBoxFailure(failure(409, boxError(409, 'item_name_in_use', { conflicts: { type: 'file', id: '55', name: 'a' } }), 'write'));
    expect(file).toBeInstanceOf(ConflictError);
    expect(file!.extra.conflictingResourceId).toBe('file:55');
    const folder = mapBoxFailure(failure(409, boxError(409, 'item_name_in_use', { conflicts: [{ type: 'folder', id: '66', name: 'b' }] }), 'mkdir'));
    expect(folder!.extra.conflictingResourceId).toBe('folder:66');
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 2-4/8')).toEqual({ start: 2, end: 4, total: 8 });
    expect(parseContentRange('bytes */8')).toBeUndefined();
  });
});

describe('box config', () => {
  it('defaults to the real service', () => {
    expect(validateBoxConfig(undefined)).toEqual(BOX_DEFAULTS);
    expect(validateBoxConfig({})).toMatchObject({ apiUrl: 'https://api.box.com/2.0', uploadUrl: 'https://upload.box.com/api/2.0' });
  });

  it('takes overrides and trims trailing slashes', () => {
    expect(validateBoxConfig({ apiUrl: 'http://127.0.0.1:9/2.0/', chunkedUploadThreshold: 4096, downloadHosts: ['127.0.0.1:9'] })).toMatchObject({
      apiUrl: 'http://127.0.0.1:9/2.0',
      chunkedUploadThreshold: 4096,
      downloadHosts: ['127.0.0.1:9'],
    });
  });

  it('names the bad field', () => {
    expect(() => validateBoxConfig({ apiUrl: 'ftp://x' })).toThrow(/"apiUrl"/);
    expect(() => validateBoxConfig({ uploadUrl: 'https://user:pw@upload.box.com' })).toThrow(/"uploadUrl"/);
    expect(() => validateBoxConfig({ chunkedUploadThreshold: 0 })).toThrow(/"chunkedUploadThreshold"/);
    expect(() => validateBoxConfig({ downloadHosts: ['http://x/'] })).toThrow(/"downloadHosts"/);
    expect(() => validateBoxConfig({ token: 'secret' })).toThrow(InvalidParametersError);
  });

  it('matches download hosts exactly, or by *.domain', () => {
    expect(isAllowedHost(new URL('https://dl.boxcloud.com/d/1'), ['*.boxcloud.com'])).toBe(true);
    expect(isAllowedHost(new URL('https://boxcloud.com.evil.net/d/1'), ['*.boxcloud.com'])).toBe(false);
    expect(isAllowedHost(new URL('https://dl.boxcloud.com:8443/d/1'), ['*.boxcloud.com'])).toBe(false);
    expect(isAllowedHost(new URL('http://127.0.0.1:9/dl/x'), ['127.0.0.1:9'])).toBe(true);
    expect(isAllowedHost(new URL('http://127.0.0.1:10/dl/x'), ['127.0.0.1:9'])).toBe(false);
  });
});

describe('box uploads', () => {
  const collect = async (it: AsyncIterable<Buffer>) => {
    const out: Buffer[] = [];
    for await (const b of it) out.push(b);
    return out;
  };

  it('cuts a stream into parts of exactly the part size', async () => {
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
    const parts = await collect(fixedParts(Readable.from([data.subarray(0, 3), data.subarray(3, 20), data.subarray(20)]), 10));
    expect(parts.map((p) => p.toString())).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
    expect(await collect(fixedParts(Readable.from([]), 10))).toEqual([]);
  });

  it('builds the multipart form with attributes before the file, and its length', async () => {
    const form = multipartForm({ name: 'a.txt', parent: { id: '0' } }, Readable.from([Buffer.from('hello')]), 5);
    const body = Buffer.concat(await collect(form.body));
    expect(Number(form.headers['content-length'])).toBe(body.length);
    const text = body.toString();
    expect(text.indexOf('name="attributes"')).toBeLessThan(text.indexOf('name="file"'));
    expect(text).toContain('{"name":"a.txt","parent":{"id":"0"}}');
    expect(text).toContain('\r\n\r\nhello\r\n--');
  });

  it('refuses a body longer or shorter than announced', async () => {
    await expect(collect(multipartForm({}, Readable.from([Buffer.from('toolong')]), 3).body)).rejects.toBeInstanceOf(InvalidParametersError);
    await expect(collect(multipartForm({}, Readable.from([Buffer.from('ab')]), 3).body)).rejects.toBeInstanceOf(InvalidParametersError);
  });

  it('peeks: a short body whole, a long one as a stream of all its bytes', async () => {
    const short = await peek(Readable.from([Buffer.from('abc')]), 5);
    expect(short).toEqual({ head: Buffer.from('abc'), rest: null });
    const long = await peek(Readable.from([Buffer.from('abc'), Buffer.from('def'), Buffer.from('ghi')]), 5);
    expect(Buffer.concat(await collect(long.rest!)).toString()).toBe('abcdefghi');
  });
});

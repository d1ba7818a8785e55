import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError, ConflictError, RateLimitError } from '@app/common';
import { validateBoxConfig } from '../../src/connectors/box/box.config';
import { BoxConnector } from '../../src/connectors/box/box.connector';
import { ROOT } from '../../src/connectors/connector';
import type { TokenSource } from '../../src/connectors/oauth-api';
import { startBoxFake, type BoxFake } from '../fakes/box-fake';
import { loopbackDeps } from '../servers/util';
import { bodyOf, expectError, readAll } from './helpers';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Box behind its fake, with 1 MiB parts and sessions from 2 MiB, so a few MiB take several chunks. */
async function setup(config: Record<string, unknown> = {}) {
  const fake = await startBoxFake({ partSize: MiB, minSessionSize: 2 * MiB });
  const source = fake.tokens.source();
  const used: string[] = [];
  const tokens: TokenSource = {
    current: () => source.current(),
    refreshAfter: (token) => {
      used.push(token);
      return source.refreshAfter(token);
    },
  };
  const connector = new BoxConnector(validateBoxConfig({ ...fake.config, chunkedUploadThreshold: 2 * MiB, ...config }), { ...loopbackDeps, tokens });
  return { fake, source, used, connector };
}

describe('box connector against the fake: OAuth, limits, sessions', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  let fake: BoxFake;
  let c: BoxConnector;
  beforeEach(async () => {
    env = await setup();
    ({ fake, connector: c } = env);
  });
  afterEach(async () => {
    await c.close();
    await fake.stop();
  });

  const since = (mark: number) => fake.requests.slice(mark);

  it('(a) an expired token: one 401, one refresh, and the call succeeds', async () => {
    const old = env.source.token;
    fake.tokens.expire(old);
    const mark = fake.requests.length;
    const page = await c.list(ROOT, { pageSize: 10 });
    expect(page.items).toEqual([]);
    expect(since(mark).map((r) => r.authorized)).toEqual([false, true]);
    expect(fake.tokens.refreshes).toBe(1);
    expect(env.used).toEqual([old]);
  });

  it('(b) 20 concurrent calls on an expired token refresh it once, each passing the token it used', async () => {
    const old = env.source.token;
    fake.tokens.expire(old);
    const results = await Promise.all(Array.from({ length: 20 }, () => c.stat(ROOT)));
    expect(results.every((e) => e.kind === 'folder')).toBe(true);
    expect(fake.tokens.refreshes).toBe(1);
    expect(env.used.length).toBeGreaterThan(0);
    expect(new Set(env.used)).toEqual(new Set([old]));
  });

  it('(c) a 429 with Retry-After: 7 is a RateLimitError with retryAfter 7, never retried', async () => {
    fake.inject({ status: 429, headers: { 'retry-after': '7' }, body: JSON.stringify({ type: 'error', status: 429, code: 'rate_limit_exceeded', message: 'Request rate limit exceeded' }) });
    const mark = fake.requests.length;
    const err = await expectError(c.list(ROOT, { pageSize: 5 }), RateLimitError);
    expect(err.extra.retryAfter).toBe(7);
    expect(err.retryable).toBe(false);
    expect(since(mark)).toHaveLength(1);
  });

  it('(d) a 503 on a read is retried and the read succeeds', async () => {
    const file = await c.write(ROOT, 'r.txt', bodyOf('retry me'), { size: 8 });
    fake.inject({ status: 503, pathContains: '/content' });
    const mark = fake.requests.length;
    const read = await c.read(file.locator);
    expect((await readAll(read.stream)).toString()).toBe('retry me');
    expect(since(mark).filter((r) => r.path.endsWith('/content'))).toHaveLength(2);
  });

  it('(e) a file above the session threshold goes up in several chunks and reads back byte-identical', async () => {
    const data = randomBytes(5 * MiB + 12345);
    const mark = fake.requests.length;
    const entry = await c.write(ROOT, 'big.bin', bodyOf(data), { size: data.length });
    const log = since(mark).map((r) => `${r.method} ${r.path.replace(/[0-9A-F]{32}/, 'S')}`);
    expect(log.filter((l) => l === 'POST /api/2.0/files/upload_sessions')).toHaveLength(1);
    expect(log.filter((l) => l === 'PUT /api/2.0/files/upload_sessions/S')).toHaveLength(6);
    expect(log.filter((l) => l === 'POST /api/2.0/files/upload_sessions/S/commit')).toHaveLength(1);
    expect(log.some((l) => l.endsWith('/files/content'))).toBe(false);
    expect(entry).toMatchObject({ kind: 'file', name: 'big.bin', size: data.length, parent: ROOT });
    expect(entry.raw?.sha1).toBe(createHash('sha1').update(data).digest('hex'));
    expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(data));
    expect(fake.openSessions()).toBe(0);
  });

  it('(e) a new version of a large file goes through a session on the file, which keeps its id', async () => {
    const first = await c.write(ROOT, 'v.bin', bodyOf(randomBytes(3 * MiB)), { size: 3 * MiB });
    const data = randomBytes(4 * MiB + 1);
    const mark = fake.requests.length;
    const second = await c.write(ROOT, 'v.bin', bodyOf(data), { size: data.length });
    expect(second.locator).toBe(first.locator);
    expect(since(mark).some((r) => r.method === 'POST' && r.path === `/api/2.0/files/${first.locator.slice('file:'.length)}/upload_sessions`)).toBe(true);
    expect(fake.content(first.locator.slice('file:'.length))!.equals(data)).toBe(true);
  });

  it('(e) a commit answered 202 (parts still processing) is sent again after Retry-After', async () => {
    fake.commitPending(2, 0);
    const data = randomBytes(2 * MiB + 7);
    const mark = fake.requests.length;
    const entry = await c.write(ROOT, 'slow.bin', bodyOf(data), { size: data.length });
    expect(since(mark).filter((r) => r.path.endsWith('/commit'))).toHaveLength(3);
    expect(entry.size).toBe(data.length);
  });

  it('(e) a body shorter than announced fails and aborts its session', async () => {
    const data = randomBytes(3 * MiB);
    await expect(c.write(ROOT, 'short.bin', bodyOf(data.subarray(0, 2 * MiB)), { size: data.length })).rejects.toBeInstanceOf(AppError);
    expect(fake.openSessions()).toBe(0);
    expect(await c.lookup(ROOT, 'short.bin')).toBeNull();
  });

  it('(e) an unsized body above the threshold streams through the simple upload (a session needs the size first)', async () => {
    const data = randomBytes(3 * MiB);
    const mark = fake.requests.length;
    const entry = await c.write(ROOT, 'unsized.bin', Readable.from([data.subarray(0, MiB), data.subarray(MiB)]));
    expect(since(mark).filter((r) => r.path === '/api/2.0/files/content')).toHaveLength(1);
    expect(entry.size).toBe(data.length);
    expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(data));
  });

  it('(f) files and folders are numbered apart: file N and folder N are two objects', async () => {
    const folder = await c.mkdir(ROOT, 'same-number');
    const file = await c.write(ROOT, 'same-number.txt', bodyOf('f'), { size: 1 });
    expect(folder.locator.replace('folder:', '')).toBe(file.locator.replace('file:', ''));
    expect(await c.stat(folder.locator)).toMatchObject({ kind: 'folder', name: 'same-number' });
    expect(await c.stat(file.locator)).toMatchObject({ kind: 'file', name: 'same-number.txt' });
  });

  it('(f) ids survive rename and move; an overwrite is a new version of the same file', async () => {
    const dir = await c.mkdir(ROOT, 'dir');
    const file = await c.write(ROOT, 'a.txt', bodyOf('one'), { size: 3 });
    const moved = await c.move(file.locator, dir.locator, 'b.txt');
    expect(moved).toMatchObject({ locator: file.locator, parent: dir.locator, name: 'b.txt' });
    const again = await c.write(dir.locator, 'b.txt', bodyOf('two!'), { size: 4 });
    expect(again).toMatchObject({ locator: file.locator, size: 4 });
    expect((await c.list(dir.locator, { pageSize: 10 })).items).toHaveLength(1);
  });

  it('(f) Box names ignore case: a name differing only in case is a ConflictError naming the other item', async () => {
    const first = await c.write(ROOT, 'Report.txt', bodyOf('x'), { size: 1 });
    expect(await c.lookup(ROOT, 'report.txt')).toBeNull();
    const err = await expectError(c.write(ROOT, 'report.txt', bodyOf('y'), { size: 1 }), ConflictError);
    expect(err.extra.conflictingResourceId).toBe(first.locator);
    await expectError(c.mkdir(ROOT, 'REPORT.TXT'), ConflictError);
  });

  it('(f) downloads follow the redirect without the token, and only to the configured hosts', async () => {
    const file = await c.write(ROOT, 'd.txt', bodyOf('download'), { size: 8 });
    const mark = fake.requests.length;
    const part = await c.read(file.locator, { start: 2, end: 4 });
    expect(part).toMatchObject({ size: 8, contentLength: 3 });
    expect((await readAll(part.stream)).toString()).toBe('wnl');
    const dl = since(mark).filter((r) => r.path.startsWith('/dl/'));
    expect(dl).toHaveLength(1);
    expect(dl[0].authorized).toBe(false);

    const elsewhere = new BoxConnector(validateBoxConfig({ ...fake.config, downloadHosts: ['dl.boxcloud.com'] }), { ...loopbackDeps, tokens: fake.tokens.source() });
    try {
      const before = fake.requests.length;
      const err = await expectError(elsewhere.read(file.locator), AppError);
      expect(err.message).toMatch(/not a configured download host/);
      expect(since(before).some((r) => r.path.startsWith('/dl/'))).toBe(false);
    } finally {
      await elsewhere.close();
    }
  });

  it('(f) the fake refuses a part that is not of the session part size, as Box does', async () => {
    const res = await fetch(`${fake.config.uploadUrl}/files/upload_sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.source.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ folder_id: '0', file_size: 3 * MiB, file_name: 'x.bin' }),
    });
    const session = (await res.json()) as { id: string; part_size: number };
    expect(session.part_size).toBe(MiB);
    const part = randomBytes(MiB / 2);
    const put = await fetch(`${fake.config.uploadUrl}/files/upload_sessions/${session.id}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${env.source.token}`,
        'content-range': `bytes 0-${part.length - 1}/${3 * MiB}`,
        digest: `sha=${createHash('sha1').update(part).digest('base64')}`,
      },
      body: part,
    });
    expect(put.status).toBe(416);
    expect(await put.json()).toMatchObject({ type: 'error', status: 416, code: 'range_mismatch' });
  });
});

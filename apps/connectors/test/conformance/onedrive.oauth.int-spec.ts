import { ConflictError, InvalidParametersError, RateLimitError } from '@app/common';
import http from 'node:http';
import { ROOT } from '../../src/connectors/connector';
import type { TokenSource } from '../../src/connectors/oauth-api';
import { encodeCursor } from '../../src/connectors/paging';
import { validateOnedriveConfig } from '../../src/connectors/onedrive/onedrive.config';
import { OnedriveConnector } from '../../src/connectors/onedrive/onedrive.connector';
import { startOnedriveFake, type OnedriveFake } from '../fakes/onedrive-fake';
import { loopbackDeps } from '../servers/util';
import { bodyOf, expectError, randomData, readAll, sha256 } from './helpers';

const KiB = 1024;

/** The OAuth and OneDrive-specific behaviour of the connector, against the Graph fake. */
describe('onedrive connector: tokens, throttling, upload sessions, OneDrive specifics', () => {
  let fake: OnedriveFake;
  const connectors: OnedriveConnector[] = [];

  beforeAll(async () => {
    fake = await startOnedriveFake({ copyPolls: 3 });
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await fake.stop();
  });

  const connect = (tokens: TokenSource = fake.tokens.source(), overrides: Record<string, unknown> = {}) => {
    const c = new OnedriveConnector(validateOnedriveConfig({ ...fake.config, simpleUploadLimit: 1024 * KiB, uploadChunkSize: 320 * KiB, ...overrides }), { ...loopbackDeps, tokens });
    connectors.push(c);
    return c;
  };
  /** A token source that records the token each refresh was asked for. */
  const recording = () => {
    const source = fake.tokens.source();
    const used: string[] = [];
    const tokens: TokenSource & { token: string } = Object.assign(Object.create(null), {
      get token() {
        return source.token;
      },
      current: () => source.current(),
      refreshAfter: (token: string) => {
        used.push(token);
        return source.refreshAfter(token);
      },
    });
    return { tokens, used, source };
  };
  const since = (mark: number) => fake.requests.slice(mark);

  it('refreshes an expired token once and sends the call again', async () => {
    const { tokens, used, source } = recording();
    const c = connect(tokens);
    const folder = await c.mkdir(ROOT, 'refresh-once');
    const expired = source.token;
    fake.tokens.expire(expired);
    const refreshes = fake.tokens.refreshes;
    const mark = fake.requests.length;
    expect((await c.stat(folder.locator)).name).toBe('refresh-once');
    expect(fake.tokens.refreshes - refreshes).toBe(1);
    expect(used).toEqual([expired]);
    expect(since(mark).map((r) => r.authorized)).toEqual([false, true]);
  });

  it('refreshes once for 20 concurrent calls on an expired token, each passing the token it used', async () => {
    const { tokens, used, source } = recording();
    const c = connect(tokens);
    const folder = await c.mkdir(ROOT, 'concurrent');
    const expired = source.token;
    fake.tokens.expire(expired);
    const refreshes = fake.tokens.refreshes;
    const results = await Promise.all(Array.from({ length: 20 }, () => c.stat(folder.locator)));
    expect(results.every((e) => e.locator === folder.locator)).toBe(true);
    expect(fake.tokens.refreshes - refreshes).toBe(1);
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((token) => token === expired)).toBe(true);
  });

  it('passes a 429 on as RateLimitError with Retry-After, without retrying it', async () => {
    const c = connect();
    const folder = await c.mkdir(ROOT, 'throttled');
    const path = `/items/${encodeURIComponent(folder.locator)}`;
    fake.inject({ status: 429, headers: { 'retry-after': '7' }, body: JSON.stringify({ error: { code: 'activityLimitReached', message: 'throttled' } }), pathContains: path });
    const mark = fake.requests.length;
    const err = await expectError(c.stat(folder.locator), RateLimitError);
    expect(err.extra.retryAfter).toBe(7);
    expect(since(mark).filter((r) => r.path.includes(path))).toHaveLength(1);
  });

  it('retries a 503 on a read and succeeds', async () => {
    const c = connect();
    const file = await c.write(ROOT, 'retried.txt', bodyOf('still here'), { size: 10 });
    fake.inject({ status: 503, headers: { 'retry-after': '0' }, body: JSON.stringify({ error: { code: 'serviceNotAvailable', message: 'later' } }), pathContains: '/download/' });
    const mark = fake.requests.length;
    const read = await c.read(file.locator);
    expect((await readAll(read.stream)).toString()).toBe('still here');
    expect(since(mark).filter((r) => r.path.startsWith('/download/'))).toHaveLength(2);
  });

  it('uploads a large file through an upload session, fragment by fragment, and reads it back unchanged', async () => {
    const c = connect();
    const data = randomData(3 * 1024 * KiB + 4321);
    const mark = fake.fragments.length;
    const entry = await c.write(ROOT, 'large.bin', bodyOf(data), { size: data.length });
    const fragments = fake.fragments.slice(mark);
    expect(fragments.length).toBe(Math.ceil(data.length / (320 * KiB)));
    expect(fragments.every((f) => !f.authorization)).toBe(true);
    expect(fragments.map((f) => f.status)).toEqual([...Array(fragments.length - 1).fill(202), 201]);
    expect(fragments[1].contentRange).toBe(`bytes ${320 * KiB}-${640 * KiB - 1}/${data.length}`);
    expect(entry).toMatchObject({ name: 'large.bin', size: data.length, parent: ROOT });
    expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(data));
    expect(fake.sessionCount()).toBe(0);

    // The same name again, size unknown: spooled, then a session that replaces the content of the same item.
    const again = randomData(2 * 1024 * KiB + 1);
    const replaced = await c.write(ROOT, 'large.bin', bodyOf(again));
    expect(replaced.locator).toBe(entry.locator);
    expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(again));
  });

  it('goes on when a fragment landed but its answer was lost (the resend overlaps)', async () => {
    const c = connect();
    const data = randomData(1200 * KiB);
    const mark = fake.fragments.length;
    fake.loseFragmentAnswers(1);
    const entry = await c.write(ROOT, 'lost-answer.bin', bodyOf(data), { size: data.length });
    expect(fake.fragments.slice(mark).map((f) => f.status)).toEqual([-1, 416, 202, 202, 201]);
    expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(data));
  });

  it('deletes the upload session when the body is shorter than its declared size', async () => {
    const c = connect();
    await expect(c.write(ROOT, 'short.bin', bodyOf(randomData(1500 * KiB)), { size: 2000 * KiB })).rejects.toThrow(/declared size/);
    expect(fake.sessionCount()).toBe(0);
    expect(await c.lookup(ROOT, 'short.bin')).toBeNull();
  });

  it('keeps ids across renames and moves, and reports the root children with parent ""', async () => {
    const c = connect();
    const a = await c.mkdir(ROOT, 'id-a');
    const b = await c.mkdir(a.locator, 'id-b');
    const file = await c.write(b.locator, 'f.txt', bodyOf('f'), { size: 1 });
    expect(file.path).toBe('id-a/id-b/f.txt');
    const moved = await c.move(file.locator, ROOT, 'f-moved.txt');
    expect(moved).toMatchObject({ locator: file.locator, parent: ROOT, name: 'f-moved.txt' });
    expect(await c.stat(file.locator)).toMatchObject({ parent: ROOT });
    const folderMoved = await c.move(b.locator, ROOT, 'id-b2');
    expect(folderMoved.locator).toBe(b.locator);
    // The root's real id never shows: search results carry no parent path, yet their parent is ''.
    const found = await c.search(ROOT, 'f-moved', { pageSize: 10 });
    expect(found.items).toEqual([expect.objectContaining({ locator: file.locator, parent: ROOT })]);
    expect(fake.rootId).not.toBe(ROOT);
  });

  it('treats names case-insensitively as OneDrive does, and looks names up exactly', async () => {
    const c = connect();
    const folder = await c.mkdir(ROOT, 'Cases');
    await expectError(c.mkdir(ROOT, 'cases'), ConflictError);
    expect(await c.lookup(ROOT, 'CASES')).toBeNull();
    expect(await c.lookup(ROOT, 'Cases')).toMatchObject({ locator: folder.locator });
    // A rename that only changes the case is allowed.
    expect(await c.move(folder.locator, ROOT, 'CASES')).toMatchObject({ locator: folder.locator, name: 'CASES' });
  });

  it('refuses to write over a folder of the same name', async () => {
    const c = connect();
    const folder = await c.mkdir(ROOT, 'not-a-file');
    await expectError(c.write(ROOT, 'not-a-file', bodyOf('x'), { size: 1 }), ConflictError);
    // OneDrive would resolve the name in any case.
    await expectError(c.write(ROOT, 'NOT-A-FILE', bodyOf('x'), { size: 1 }), ConflictError);
    expect(await c.stat(folder.locator)).toMatchObject({ kind: 'folder' });
  });

  it('follows a copy through its monitor URL until it completes', async () => {
    const c = connect();
    const source = await c.write(ROOT, 'copy-src.txt', bodyOf('copied'), { size: 6 });
    const mark = fake.requests.length;
    const copy = await c.copy(source.locator, ROOT, 'copy-dst.txt');
    expect(copy).toMatchObject({ name: 'copy-dst.txt', parent: ROOT, size: 6 });
    const polls = since(mark).filter((r) => r.path.startsWith('/monitor/'));
    expect(polls.length).toBe(4);
    expect(polls.every((r) => !r.authorized)).toBe(true);
  });

  it('pages with the service nextLink, and refuses a cursor that points anywhere else', async () => {
    const c = connect();
    const folder = await c.mkdir(ROOT, 'paged');
    for (let i = 0; i < 5; i++) fake.addFile(folder.locator, `p${i}.txt`, String(i));
    const first = await c.list(folder.locator, { pageSize: 2 });
    expect(first.items).toHaveLength(2);
    const second = await c.list(folder.locator, { pageSize: 3, cursor: first.next });
    expect(second.items.map((e) => e.name)).toEqual(['p2.txt', 'p3.txt', 'p4.txt']);
    expect(second.next).toBeNull();
    // The cursor's link is sent with the account's token: only to the API's own host.
    await expectError(c.list(folder.locator, { pageSize: 2, cursor: encodeCursor({ next: 'https://attacker.example/steal' }) }), InvalidParametersError);
  });

  describe('the fake keeps the connector honest', () => {
    const put = (url: string, headers: Record<string, string>, body: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(url, { method: 'PUT', headers: { 'content-length': String(body.length), ...headers } }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const session = async () => {
      const res = await fetch(`${fake.config.apiUrl}/root:/session.bin:/createUploadSession`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.tokens.issue()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'replace' } }),
      });
      return ((await res.json()) as { uploadUrl: string }).uploadUrl;
    };

    it('refuses fragments out of order, overlapping, or not a multiple of 320 KiB, and a token on the upload URL', async () => {
      const url = await session();
      const total = 1024 * KiB;
      expect((await put(url, { 'content-range': `bytes ${320 * KiB}-${640 * KiB - 1}/${total}` }, Buffer.alloc(320 * KiB))).body).toMatch(/fragmentOutOfOrder/);
      expect((await put(url, { 'content-range': `bytes 0-${100 * KiB - 1}/${total}` }, Buffer.alloc(100 * KiB))).status).toBe(400);
      expect((await put(url, { 'content-range': `bytes 0-${320 * KiB - 1}/${total}`, authorization: 'Bearer x' }, Buffer.alloc(320 * KiB))).status).toBe(401);
      expect((await put(url, { 'content-range': `bytes 0-${320 * KiB - 1}/${total}` }, Buffer.alloc(320 * KiB))).status).toBe(202);
      const overlap = await put(url, { 'content-range': `bytes 0-${320 * KiB - 1}/${total}` }, Buffer.alloc(320 * KiB));
      expect(overlap.status).toBe(416);
      expect(overlap.body).toMatch(/fragmentOverlap/);
    });
  });
});

import { ConflictError, InvalidParametersError, NotFoundError, RateLimitError, UpstreamError } from '@app/common';
import { ROOT, type Entry } from '../../src/connectors/connector';
import { DropboxConnector } from '../../src/connectors/dropbox/dropbox.connector';
import { validateDropboxConfig } from '../../src/connectors/dropbox/dropbox.config';
import { contentHash } from '../../src/connectors/dropbox/dropbox.mapper';
import type { TokenSource } from '../../src/connectors/oauth-api';
import { startDropboxFake, type DropboxFake } from '../fakes/dropbox-fake';
import { loopbackDeps } from '../servers/util';
import { bodyOf, expectError, randomData, readAll, sha256 } from './helpers';

const MiB = 1024 * 1024;

describe('dropbox connector against the fake: tokens, limits, upload sessions, Dropbox specifics', () => {
  let fake: DropboxFake;
  let tokens: TokenSource & { token: string };
  let used: string[];
  let c: DropboxConnector;

  beforeAll(async () => {
    fake = await startDropboxFake();
  });
  afterAll(() => fake.stop());

  beforeEach(() => {
    const source = fake.tokens.source();
    used = [];
    tokens = Object.assign(source, {
      refreshAfter: (() => {
        const refresh = source.refreshAfter;
        return (token: string) => {
          used.push(token);
          return refresh(token);
        };
      })(),
    });
    c = new DropboxConnector(validateDropboxConfig({ apiUrl: fake.url, contentUrl: fake.url, uploadChunkSize: MiB }), { ...loopbackDeps, tokens });
    fake.requests.length = 0;
  });
  afterEach(() => c.close());

  const folder = async (name = `t-${Math.random().toString(36).slice(2, 10)}`): Promise<Entry> => c.mkdir(ROOT, name);
  const endpointCalls = (endpoint: string) => fake.requests.filter((r) => r.path === `/2/${endpoint}`);

  it('an expired token: one 401, one refreshAfter with that token, then the call succeeds', async () => {
    const dir = await folder();
    const expired = tokens.token;
    fake.tokens.expire(expired);
    const refreshesBefore = fake.tokens.refreshes;
    fake.requests.length = 0;
    await expect(c.stat(dir.locator)).resolves.toMatchObject({ locator: dir.locator, kind: 'folder' });
    expect(fake.tokens.refreshes - refreshesBefore).toBe(1);
    expect(used).toEqual([expired]);
    expect(fake.requests.map((r) => r.authorized)).toEqual([false, true]);
  });

  it('20 concurrent calls on an expired token refresh once, each passing the token it used', async () => {
    const dir = await folder();
    const expired = tokens.token;
    fake.tokens.expire(expired);
    const refreshesBefore = fake.tokens.refreshes;
    const results = await Promise.all(Array.from({ length: 20 }, () => c.list(dir.locator, { pageSize: 10 })));
    expect(results.every((p) => p.items.length === 0)).toBe(true);
    expect(fake.tokens.refreshes - refreshesBefore).toBe(1);
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((t) => t === expired)).toBe(true);
  });

  it('a 429 with Retry-After: 7 is a RateLimitError with retryAfter 7, sent once and never retried', async () => {
    const dir = await folder();
    fake.requests.length = 0;
    fake.rateLimit(7);
    const err = await expectError(c.list(dir.locator, { pageSize: 10 }), RateLimitError);
    expect(err.extra.retryAfter).toBe(7);
    expect(fake.requests).toHaveLength(1);
  });

  it('too_many_write_operations (429) is a RateLimitError too', async () => {
    const dir = await folder();
    fake.rateLimit(3, 'too_many_write_operations');
    const err = await expectError(c.mkdir(dir.locator, 'x'), RateLimitError);
    expect(err.extra.retryAfter).toBe(3);
  });

  it('a 503 on a read is retried and the read succeeds', async () => {
    const dir = await folder();
    const file = await c.write(dir.locator, 'r.txt', bodyOf('retried'));
    fake.requests.length = 0;
    fake.inject({ status: 503, pathContains: '/files/download' });
    const result = await c.read(file.locator);
    expect((await readAll(result.stream)).toString()).toBe('retried');
    expect(endpointCalls('files/download')).toHaveLength(2);
  });

  it('a file larger than the chunk size goes through an upload session in several chunks and reads back identical', async () => {
    const dir = await folder();
    const data = randomData(5 * MiB + 12345);
    fake.requests.length = 0;
    const entry = await c.write(dir.locator, 'big.bin', bodyOf(data));
    expect(endpointCalls('files/upload')).toHaveLength(0);
    expect(endpointCalls('files/upload_session/start')).toHaveLength(1);
    expect(endpointCalls('files/upload_session/append_v2')).toHaveLength(5);
    expect(endpointCalls('files/upload_session/finish')).toHaveLength(1);
    expect(entry).toMatchObject({ kind: 'file', name: 'big.bin', size: data.length, parent: dir.locator });
    expect(entry.raw?.content_hash).toBe(contentHash(data));
    const back = await readAll((await c.read(entry.locator)).stream);
    expect(sha256(back)).toBe(sha256(data));
    expect(fake.sessions.size).toBe(0);
  });

  it('a chunk whose answer was lost is not sent twice: the retry learns the offset moved past it', async () => {
    const dir = await folder();
    const data = randomData(3 * MiB + 7);
    fake.loseNextAnswer('files/upload_session/append_v2');
    const entry = await c.write(dir.locator, 'lost.bin', bodyOf(data));
    expect(entry.size).toBe(data.length);
    expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(data));
  });

  it('a file up to the chunk size goes in one files/upload', async () => {
    const dir = await folder();
    fake.requests.length = 0;
    await c.write(dir.locator, 'small.txt', bodyOf(Buffer.alloc(MiB, 1)));
    expect(endpointCalls('files/upload')).toHaveLength(1);
    expect(endpointCalls('files/upload_session/start')).toHaveLength(0);
  });

  it('ids survive renames and moves; the entry reports its new parent', async () => {
    const a = await folder();
    const b = await c.mkdir(a.locator, 'b');
    const file = await c.write(a.locator, 'f.txt', bodyOf('x'));
    const moved = await c.move(file.locator, b.locator, 'g.txt');
    expect(moved).toMatchObject({ locator: file.locator, parent: b.locator, name: 'g.txt' });
    expect(await c.stat(file.locator)).toMatchObject({ parent: b.locator, name: 'g.txt' });
  });

  it('names are case-insensitive upstream: another case of a taken name is a conflict, and lookup is exact', async () => {
    const dir = await folder();
    await c.mkdir(dir.locator, 'Docs');
    await expectError(c.mkdir(dir.locator, 'docs'), ConflictError);
    const file = await c.write(dir.locator, 'Report.txt', bodyOf('1'));
    await expectError(c.move(file.locator, dir.locator, 'DOCS'), ConflictError);
    expect(await c.lookup(dir.locator, 'report.txt')).toBeNull();
    expect(await c.lookup(dir.locator, 'Report.txt')).toMatchObject({ locator: file.locator, parent: dir.locator });
    // Changing only the case of a name is a rename Dropbox allows.
    await expect(c.move(file.locator, dir.locator, 'REPORT.txt')).resolves.toMatchObject({ name: 'REPORT.txt', locator: file.locator });
  });

  it('entries at the root report the root as parent', async () => {
    const dir = await folder();
    expect(dir.parent).toBe('');
    expect(await c.stat(dir.locator)).toMatchObject({ parent: '', kind: 'folder' });
  });

  it('pages honour pageSize even when it changes between calls, each entry exactly once', async () => {
    const dir = await folder();
    for (let i = 0; i < 11; i++) await c.mkdir(dir.locator, `d${String(i).padStart(2, '0')}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes = [4, 2, 7, 1, 3, 5];
    for (let i = 0; ; i++) {
      const pageSize = sizes[i % sizes.length];
      const page = await c.list(dir.locator, { pageSize, cursor });
      expect(page.items.length).toBeLessThanOrEqual(pageSize);
      seen.push(...page.items.map((e) => e.name));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen.sort()).toEqual(Array.from({ length: 11 }, (_, i) => `d${String(i).padStart(2, '0')}`));
    expect((await c.list(dir.locator, { pageSize: 100 })).items.every((e) => e.parent === dir.locator)).toBe(true);
  });

  it('search results name their parent folders', async () => {
    const dir = await folder();
    const sub = await c.mkdir(dir.locator, 'sub');
    await c.write(sub.locator, 'needle.txt', bodyOf('1'));
    const page = await c.search(dir.locator, 'needle', { pageSize: 10 });
    expect(page.items).toEqual([expect.objectContaining({ name: 'needle.txt', parent: sub.locator })]);
  });

  it('a chunked upload refuses parts that are not multiples of 4 MiB before sending them', async () => {
    const dir = await folder();
    const writer = await c.openChunkWriter(dir.locator, 'odd.bin', { size: 10 * MiB });
    fake.requests.length = 0;
    await expectError(writer.writePart({ number: 1, offset: 0, size: 5 * MiB }, bodyOf(Buffer.alloc(5 * MiB))), InvalidParametersError);
    expect(fake.requests).toHaveLength(0);
  });

  it('a chunked upload resumed from a session that is gone fails with NotFoundError', async () => {
    const dir = await folder();
    const writer = await c.openChunkWriter(dir.locator, 'gone.bin', { size: 10, resume: { sessionId: 'no-such-session', size: 10 } });
    await expectError(writer.writePart({ number: 1, offset: 0, size: 10 }, bodyOf(Buffer.alloc(10))), NotFoundError);
  });

  it('a 401 during a streamed part refreshes the token and fails retryably', async () => {
    const dir = await folder();
    const writer = await c.openChunkWriter(dir.locator, 'p.bin', { size: 10 });
    fake.tokens.expire(tokens.token);
    const err = await expectError(writer.writePart({ number: 1, offset: 0, size: 10 }, bodyOf(Buffer.alloc(10))), UpstreamError);
    expect(err.retryable).toBe(true);
    await writer.writePart({ number: 1, offset: 0, size: 10 }, bodyOf(Buffer.alloc(10, 2)));
    await expect(writer.complete([{ number: 1, offset: 0, size: 10, receipt: {} }])).resolves.toMatchObject({ size: 10 });
  });

  it('refuses a locator that is not a Dropbox id with NotFoundError, without a call', async () => {
    fake.requests.length = 0;
    await expectError(c.stat('some/path'), NotFoundError);
    expect(fake.requests).toHaveLength(0);
  });
});

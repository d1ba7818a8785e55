import { ConflictError, NotFoundError, QuotaError, RateLimitError, UnsupportedError } from '@app/common';
import { validateGdriveConfig } from '../../src/connectors/gdrive/gdrive.config';
import { GdriveConnector } from '../../src/connectors/gdrive/gdrive.connector';
import { startGdriveFake, type GdriveFake } from '../fakes/gdrive-fake';
import { loopbackDeps } from '../servers/util';
import { bodyOf, expectError, randomData, readAll, sha256 } from './helpers';

const KiB = 1024;
const CHUNK = 256 * KiB;

/** OAuth behaviour, the resumable session and Drive's own quirks, against the fake. */
describe('gdrive connector against the Drive fake', () => {
  let fake: GdriveFake;
  const connectors: GdriveConnector[] = [];

  function connect(source = fake.tokens.source(), overrides: Record<string, unknown> = {}) {
    const connector = new GdriveConnector(validateGdriveConfig({ ...fake.config, resumableThreshold: CHUNK, chunkSize: CHUNK, ...overrides }), { ...loopbackDeps, tokens: source });
    connectors.push(connector);
    return connector;
  }

  beforeAll(async () => {
    fake = await startGdriveFake();
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await fake.stop();
  });

  async function text(c: GdriveConnector, locator: string): Promise<string> {
    return (await readAll((await c.read(locator)).stream)).toString('utf8');
  }

  describe('tokens', () => {
    it('an expired token: one 401, one refresh, and the call succeeds', async () => {
      const source = fake.tokens.source();
      const c = connect(source);
      await c.validateCredentials();
      const file = await c.write('', `expired-${Date.now()}.txt`, bodyOf('hello'), { size: 5 });
      fake.tokens.expire(source.token);
      const refreshes = fake.tokens.refreshes;
      const before = fake.requests.length;
      expect(await c.stat(file.locator)).toMatchObject({ name: file.name, size: 5 });
      const seen = fake.requests.slice(before);
      expect(seen.filter((r) => !r.authorized)).toHaveLength(1);
      expect(seen).toHaveLength(2);
      expect(fake.tokens.refreshes - refreshes).toBe(1);
    });

    it('20 concurrent calls on an expired token refresh it once, each passing the token it used', async () => {
      const source = fake.tokens.source();
      const used: string[] = [];
      const refreshAfter = source.refreshAfter;
      source.refreshAfter = (token) => (used.push(token), refreshAfter(token));
      const c = connect(source);
      const file = await c.write('', `concurrent-${Date.now()}.txt`, bodyOf('x'), { size: 1 });
      const expired = source.token;
      fake.tokens.expire(expired);
      const refreshes = fake.tokens.refreshes;
      const entries = await Promise.all(Array.from({ length: 20 }, () => c.stat(file.locator)));
      expect(entries.every((e) => e.locator === file.locator)).toBe(true);
      expect(fake.tokens.refreshes - refreshes).toBe(1);
      expect(used.length).toBeGreaterThan(0);
      expect(new Set(used)).toEqual(new Set([expired]));
    });
  });

  describe('rate limits and server errors', () => {
    it('a 429 with Retry-After: 7 is a RateLimitError with retryAfter 7, sent once (never retried)', async () => {
      const c = connect();
      const file = await c.write('', `limited-${Date.now()}.txt`, bodyOf('x'), { size: 1 });
      fake.inject({ status: 429, headers: { 'retry-after': '7' }, pathContains: file.locator });
      const before = fake.requests.length;
      const err = await expectError(c.stat(file.locator), RateLimitError);
      expect(err.extra.retryAfter).toBe(7);
      expect(fake.requests.slice(before).filter((r) => r.path.includes(file.locator))).toHaveLength(1);
    });

    it("Drive's 403 userRateLimitExceeded is a rate limit too, not retried", async () => {
      const c = connect();
      const file = await c.write('', `limited403-${Date.now()}.txt`, bodyOf('x'), { size: 1 });
      const body = JSON.stringify({ error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' }] } });
      fake.inject({ status: 403, body, pathContains: file.locator });
      const before = fake.requests.length;
      await expectError(c.stat(file.locator), RateLimitError);
      expect(fake.requests.slice(before)).toHaveLength(1);
    });

    it('a 503 on a download is retried and the read succeeds', async () => {
      const c = connect();
      const file = await c.write('', `flaky-${Date.now()}.txt`, bodyOf('steady'), { size: 6 });
      fake.failDownloads(503, 2);
      expect(await text(c, file.locator)).toBe('steady');
    });

    it('a full account (403 storageQuotaExceeded) is a QuotaError', async () => {
      const small = await startGdriveFake({ quotaBytes: 10 });
      try {
        const c = new GdriveConnector(validateGdriveConfig(small.config), { ...loopbackDeps, tokens: small.tokens.source() });
        connectors.push(c);
        await expectError(c.write('', 'big.bin', bodyOf(randomData(100)), { size: 100 }), QuotaError);
      } finally {
        await small.stop();
      }
    });
  });

  describe('resumable uploads', () => {
    it('sends a file above the threshold through a session in 256 KiB chunks and reads it back unchanged', async () => {
      const c = connect();
      const data = randomData(5 * CHUNK + 12_345);
      const before = fake.uploads.length;
      // No size given: the connector finds the last chunk by reading ahead.
      const entry = await c.write('', `big-${Date.now()}.bin`, bodyOf(data));
      const log = fake.uploads.slice(before);
      expect(log[0]).toMatchObject({ uploadType: 'resumable', method: 'POST', status: 200 });
      const chunks = log.slice(1);
      expect(chunks.map((u) => u.status)).toEqual([308, 308, 308, 308, 308, 201]);
      expect(chunks[0].contentRange).toBe(`bytes 0-${CHUNK - 1}/*`);
      expect(chunks[5].contentRange).toBe(`bytes ${5 * CHUNK}-${data.length - 1}/${data.length}`);
      expect(entry).toMatchObject({ kind: 'file', size: data.length });
      expect((entry.raw as { md5Checksum?: string }).md5Checksum).toMatch(/^[0-9a-f]{32}$/);
      const read = await c.read(entry.locator);
      expect(read.size).toBe(data.length);
      expect(sha256(await readAll(read.stream))).toBe(sha256(data));
    });

    it('replaces the content of a file of the same name through a session (same id, no duplicate)', async () => {
      const c = connect();
      const name = `replace-${Date.now()}.bin`;
      const first = await c.write('', name, bodyOf('small'), { size: 5 });
      const data = randomData(3 * CHUNK + 1);
      const before = fake.uploads.length;
      const second = await c.write('', name, bodyOf(data), { size: data.length });
      expect(second.locator).toBe(first.locator);
      expect(fake.uploads.slice(before)[0]).toMatchObject({ uploadType: 'resumable', method: 'PATCH' });
      expect(fake.uploads.slice(before).at(-1)?.status).toBe(200);
      expect(sha256(await readAll((await c.read(first.locator)).stream))).toBe(sha256(data));
      const all = await c.list('', { pageSize: 1000 });
      expect(all.items.filter((e) => e.name === name)).toHaveLength(1);
    });

    it('resumes a chunk the server kept only part of, from the offset it reports', async () => {
      const c = connect();
      const data = randomData(4 * CHUNK + 99);
      const before = fake.uploads.length;
      fake.interruptNextChunk(100_000);
      const entry = await c.write('', `resumed-${Date.now()}.bin`, bodyOf(data), { size: data.length });
      const log = fake.uploads.slice(before);
      expect(log.map((u) => u.status)).toContain(503);
      expect(log.some((u) => u.contentRange === `bytes 100000-${CHUNK - 1}/*`)).toBe(true);
      expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(data));
    });
  });

  describe("Drive's own ways", () => {
    it('duplicate names: lookup answers the oldest; write replaces it and creates no third; mkdir refuses', async () => {
      const c = connect();
      const folder = await c.mkdir('', `dups-${Date.now()}`);
      const older = fake.seed({ name: 'dup.txt', parents: [folder.locator], content: 'old', createdTime: new Date(Date.now() - 60_000) });
      fake.seed({ name: 'dup.txt', parents: [folder.locator], content: 'new' });
      expect((await c.lookup(folder.locator, 'dup.txt'))?.locator).toBe(older.id);
      const written = await c.write(folder.locator, 'dup.txt', bodyOf('replaced'), { size: 8 });
      expect(written.locator).toBe(older.id);
      expect(await text(c, older.id)).toBe('replaced');
      expect((await c.list(folder.locator, { pageSize: 10 })).items).toHaveLength(2);
      const conflict = await expectError(c.mkdir(folder.locator, 'dup.txt'), ConflictError);
      expect(conflict.extra.conflictingResourceId).toBe(older.id);
    });

    it('concurrent mkdir or write of one new name leave one object (the oldest wins, the others get ConflictError)', async () => {
      const c = connect();
      const folder = await c.mkdir('', `race-${Date.now()}`);
      const before = fake.requests.length;
      const dirs = await Promise.allSettled(Array.from({ length: 5 }, () => c.mkdir(folder.locator, 'same')));
      // They did race: the losers' folders were created, then deleted again.
      expect(fake.requests.slice(before).filter((r) => r.method === 'DELETE').length).toBeGreaterThan(0);
      expect(dirs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of dirs) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
      const files = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => c.write(folder.locator, 'same.txt', bodyOf(`v${i}`), { size: 2 })));
      expect(files.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
      const names = (await c.list(folder.locator, { pageSize: 100 })).items.map((e) => e.name).sort();
      expect(names).toEqual(['same', 'same.txt']);
    });

    it("lookup is exact about case although Drive's name = is not", async () => {
      const c = connect();
      const folder = await c.mkdir('', `case-${Date.now()}`);
      fake.seed({ name: 'Report.TXT', parents: [folder.locator], content: 'upper' });
      expect(await c.lookup(folder.locator, 'report.txt')).toBeNull();
      expect(await c.lookup(folder.locator, 'Report.TXT')).toMatchObject({ name: 'Report.TXT', parent: folder.locator });
    });

    it('ids survive rename and move; a move leaves every former parent', async () => {
      const c = connect();
      const a = await c.mkdir('', `a-${Date.now()}`);
      const b = await c.mkdir('', `b-${Date.now()}`);
      const other = await c.mkdir('', `other-${Date.now()}`);
      const file = await c.write(a.locator, 'f.txt', bodyOf('moving'), { size: 6 });
      fake.addParent(file.locator, other.locator);
      const moved = await c.move(file.locator, b.locator, 'g.txt');
      expect(moved).toMatchObject({ locator: file.locator, parent: b.locator, name: 'g.txt' });
      expect(fake.file(file.locator)?.parents).toEqual([b.locator]);
      expect(await text(c, file.locator)).toBe('moving');
      expect(await c.lookup(a.locator, 'f.txt')).toBeNull();
    });

    it('names with quotes and backslashes survive the query language', async () => {
      const c = connect();
      const folder = await c.mkdir('', `quotes-${Date.now()}`);
      const name = "it's a \\ back'slash.txt";
      const file = await c.write(folder.locator, name, bodyOf('q'), { size: 1 });
      expect((await c.lookup(folder.locator, name))?.locator).toBe(file.locator);
    });

    it('Google-native documents are listed without size, refuse read with UnsupportedError, and are not overwritten', async () => {
      const c = connect();
      const folder = await c.mkdir('', `native-${Date.now()}`);
      const doc = fake.seed({ name: 'Notes', parents: [folder.locator], mimeType: 'application/vnd.google-apps.document' });
      const [listed] = (await c.list(folder.locator, { pageSize: 10 })).items;
      expect(listed).toMatchObject({ locator: doc.id, kind: 'file', size: null, mimeType: 'application/vnd.google-apps.document' });
      await expectError(c.read(doc.id), UnsupportedError);
      await expectError(c.write(folder.locator, 'Notes', bodyOf('x'), { size: 1 }), ConflictError);
    });

    it('trashed files are gone for us', async () => {
      const c = connect();
      const folder = await c.mkdir('', `trash-${Date.now()}`);
      const file = await c.write(folder.locator, 't.txt', bodyOf('t'), { size: 1 });
      fake.trash(file.locator);
      expect(await c.lookup(folder.locator, 't.txt')).toBeNull();
      await expectError(c.stat(file.locator), NotFoundError);
      expect((await c.list(folder.locator, { pageSize: 10 })).items).toEqual([]);
    });

    it('pages with Drive page tokens, honouring pageSize as a maximum', async () => {
      const c = connect();
      const folder = await c.mkdir('', `pages-${Date.now()}`);
      for (let i = 0; i < 7; i++) fake.seed({ name: `n${i}`, parents: [folder.locator], content: String(i) });
      const first = await c.list(folder.locator, { pageSize: 3 });
      expect(first.items).toHaveLength(3);
      const second = await c.list(folder.locator, { pageSize: 3, cursor: first.next });
      const third = await c.list(folder.locator, { pageSize: 3, cursor: second.next });
      expect(third.next).toBeNull();
      expect([...first.items, ...second.items, ...third.items].map((e) => e.name).sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    });
  });
});

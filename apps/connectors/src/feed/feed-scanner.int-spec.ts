import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { databaseOptions, type EventPublisher } from '@app/common';
import type { Connector } from '../connectors/connector';
import { connectorTypes } from '../connectors/registry';
import { loopbackDeps } from '../../test/servers/util';
import { connectorsMigrations } from '../migrations';
import { ChangeFeed } from './change-feed';
import { FeedRepository } from './feed.repository';
import { FeedScanner } from './feed-scanner';
import { FeedSnapshotRepository } from './feed-snapshot.repository';

const url = `postgres://svc_connectors:svc_connectors@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}`;

/** The scan against the real connectors schema and a real folder on disk (the local connector). */
describe('FeedScanner (real Postgres, local disk)', () => {
  let db: DataSource;
  let root: string;
  let connector: Connector;
  let feed: FeedRepository;
  let scanner: FeedScanner;
  const published: Array<{ type: string; data: any }> = [];
  const scope = { appId: `scan_app_${Date.now()}`, accountId: 900_000_000 + Math.floor(Math.random() * 1_000_000) };
  const meta = { appId: scope.appId, requestId: 'scan-test' };
  const events = async () => (await feed.page(scope.accountId, 0, 1000)).events.map((e) => `${e.type} ${e.metadata.path}`);
  /** Runs until a pass ends; answers how many runs it took. */
  const pass = async (pages: number, pageSize = 2) => {
    for (let runs = 1; runs < 100; runs++) if ((await scanner.run(meta, scope, connector, { pages, pageSize })).finished) return runs;
    throw new Error('the pass never ended');
  };

  beforeAll(async () => {
    db = new DataSource(databaseOptions({ url, schema: 'connectors', entities: [], migrations: connectorsMigrations }));
    await db.initialize();
    await db.runMigrations();
    root = await mkdtemp(join(tmpdir(), 'feed-scan-'));
    const local = connectorTypes.local;
    connector = await local.create(local.validateConfig({ path: root }), loopbackDeps);
    feed = new FeedRepository(db);
    const snapshot = new FeedSnapshotRepository(db);
    const publisher = { publish: async (type: string, _m: unknown, _a: unknown, data: unknown) => void published.push({ type, data }) } as unknown as EventPublisher;
    const logger = pino({ level: 'silent' });
    scanner = new FeedScanner(feed, snapshot, new ChangeFeed(feed, snapshot, publisher, logger), logger);
  });

  afterAll(async () => {
    await feed?.forget(scope.accountId);
    await db?.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('reports nothing for what was there before the first pass, then adds, updates and deletes once two passes saw them', async () => {
    await mkdir(join(root, 'a/b'), { recursive: true });
    for (const f of ['one.txt', 'two.txt', 'a/three.txt', 'a/b/four.txt']) await writeFile(join(root, f), f);
    await pass(100);
    expect(await events()).toEqual([]);
    expect((await feed.state(scope))!.baselineDone).toBe(true);

    await writeFile(join(root, 'a/b/five.txt'), 'new');
    await mkdir(join(root, 'c'));
    await writeFile(join(root, 'one.txt'), 'one, longer now');
    await rm(join(root, 'two.txt'));
    await utimes(join(root, 'a/three.txt'), new Date(), new Date(Date.now() + 60_000)); // only the modification time moves
    await pass(100);
    expect(await events()).toEqual([]); // seen once: pending until the next pass sees the same
    await pass(100);
    expect((await events()).sort()).toEqual(['add /a/b/five.txt', 'add /c', 'delete /two.txt', 'update /a/three.txt', 'update /one.txt']);
    // Webhooks hear of the same changes, marked as found outside the API.
    expect(published.map((p) => p.type).sort()).toEqual(['file.deleted', 'file.updated', 'file.updated', 'file.uploaded', 'folder.created']);
    expect(published.every((p) => p.data.source === 'external')).toBe(true);

    // A folder removed with its content is one delete; what was below it leaves the snapshot.
    await rm(join(root, 'a/b'), { recursive: true });
    await pass(100);
    await pass(100);
    expect((await events()).slice(5)).toEqual(['delete /a/b']);
    expect(await db.query(`SELECT locator FROM feed_entries WHERE account_id = $1 AND locator LIKE 'a/b%'`, [scope.accountId])).toEqual([]);

    // A pass over an unchanged account reports nothing.
    await pass(100);
    expect(await events()).toHaveLength(6);
  });

  it('resumes a pass across runs of one page each, mid-folder, and across a new scanner (a restart)', async () => {
    await mkdir(join(root, 'many'));
    for (let i = 0; i < 7; i++) await writeFile(join(root, `many/m${i}.txt`), String(i));
    const before = (await events()).length;
    // One page (2 entries) per run: the queue and the cursor inside `many` live in Postgres between runs.
    const first = await scanner.run(meta, scope, connector, { pages: 1, pageSize: 2 });
    expect(first.finished).toBe(false);
    const queued = await db.query(`SELECT locator, cursor FROM feed_scan_queue WHERE account_id = $1`, [scope.accountId]);
    expect(queued.length).toBeGreaterThan(0);

    const logger = pino({ level: 'silent' });
    const snapshot = new FeedSnapshotRepository(db);
    const restarted = new FeedScanner(new FeedRepository(db), snapshot, new ChangeFeed(new FeedRepository(db), snapshot, { publish: async () => undefined } as unknown as EventPublisher, logger), logger);
    let runs = 1;
    while (!(await restarted.run(meta, scope, connector, { pages: 1, pageSize: 2 })).finished) runs++;
    expect(runs).toBeGreaterThan(4); // root (2 pages), a, c, many (4 pages)… one page per run
    expect((await events()).length).toBe(before); // pending until a second pass confirms
    await pass(1);
    const added = (await events()).slice(before);
    expect(added.sort()).toEqual(['add /many', ...Array.from({ length: 7 }, (_, i) => `add /many/m${i}.txt`)].sort());
    expect(await db.query(`SELECT 1 FROM feed_scan_queue WHERE account_id = $1`, [scope.accountId])).toEqual([]);
  });

  it('prunes by count, remembering the highest dropped sequence', async () => {
    const { lastSeq } = (await feed.state(scope))!;
    await feed.prune(3600, 3);
    const state = (await feed.state(scope))!;
    expect(state.prunedSeq).toBe(lastSeq - 3);
    expect((await feed.page(scope.accountId, 0, 100)).events.map((e) => e.seq)).toEqual([lastSeq - 2, lastSeq - 1, lastSeq]);
  });
});

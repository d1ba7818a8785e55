import { mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import * as s3Server from '../../apps/connectors/test/servers/s3';
import type { S3Config } from '../../apps/connectors/src/connectors/s3/s3.config';
import { feedAccountOf, waitUntilNoRows } from './support/connectors-db';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(120_000);

interface FeedEvent {
  id: string;
  event_id: string;
  type: string;
  account: number;
  modified: string;
  metadata: { id: string; name: string; type: string; size: number | null; path: string | null };
}

/** Writes and removes objects behind the API's back, as another program would. */
interface Outside {
  write(name: string, body: string): Promise<void>;
  remove(name: string): Promise<void>;
}

/**
 * Issue 11 items 2 and 3: the change feed (`/events`, `/events/latest`) and
 * `/storage/recent`, on local disk and on S3 (s3rver). Changes made through
 * the API are in the feed at once; changes made straight on the disk or in the
 * bucket are found by the periodic scan (every second here) and also arrive as
 * webhooks.
 */
describe('change feed and recent (e2e)', () => {
  let stack: TestStack;
  let s3: Awaited<ReturnType<typeof s3Server.start>>;
  let app: { id: string; apiKey: string };
  let receiver: http.Server;
  const hooks: Array<{ type: string; data: Record<string, any> }> = [];
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test) => req.set('Authorization', `APIKey ${app.apiKey}`);
  const latest = async (account: number) => (await as(api().get(`/v1/accounts/${account}/events/latest`)).expect(200)).body.cursor as number;
  const events = async (account: number, cursor?: number | string, pageSize?: number) => {
    const q = new URLSearchParams();
    if (cursor !== undefined) q.set('cursor', String(cursor));
    if (pageSize !== undefined) q.set('page_size', String(pageSize));
    return (await as(api().get(`/v1/accounts/${account}/events?${q}`)).expect(200)).body as { objects: FeedEvent[]; count: number; cursor: number; remaining: number };
  };
  /** Every event after `cursor`, following cursors. */
  const allAfter = async (account: number, cursor: number) => {
    const out: FeedEvent[] = [];
    for (;;) {
      const page = await events(account, cursor);
      out.push(...page.objects);
      cursor = page.cursor;
      if (page.remaining === 0) return { events: out, cursor };
    }
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const upload = async (account: number, name: string, body: string, parent = 'root') =>
    (await as(api().post(`/v1/accounts/${account}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name, parent_id: parent })).send(Buffer.from(body)).expect(201)).body;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    s3 = await s3Server.start();
    stack = await startTestStack(23080, {
      gateway: { RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_APP_PER_SECOND: '1000' },
      connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback', FEED_SCAN_INTERVAL_S: '1', FEED_RETENTION_MAX_EVENTS: '30' },
      webhooks: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback', WEBHOOK_QUEUE_NAME: `feed-e2e-${Date.now()}` },
    });
    app = await createApp(stack, 'feed');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await as(api().post('/v1/webhooks')).send({ url, events: ['file.uploaded', 'file.deleted', 'file.moved', 'file.updated', 'folder.created'] }).expect(201);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
  });

  const services: Array<[string, () => Promise<{ account: number; outside: Outside }>]> = [
    [
      'local',
      async () => {
        const account = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'feed-local' } }).expect(201)).body.id;
        const dir = join(stack.localRoot, 'apps', app.id, 'feed-local');
        return {
          account,
          outside: {
            write: async (name, body) => {
              await mkdir(dir, { recursive: true });
              await writeFile(join(dir, name), body);
            },
            remove: (name) => rm(join(dir, name)),
          },
        };
      },
    ],
    [
      's3',
      async () => {
        const config = s3.config as S3Config;
        const account = (await as(api().post('/v1/accounts')).send({ service: 's3_compatible', config }).expect(201)).body.id;
        const client = new S3Client({ region: config.region, endpoint: config.endpoint, forcePathStyle: true, credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } });
        return {
          account,
          outside: {
            write: async (name, body) => void (await client.send(new PutObjectCommand({ Bucket: config.bucket, Key: `${config.prefix}${name}`, Body: body }))),
            remove: async (name) => void (await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: `${config.prefix}${name}` }))),
          },
        };
      },
    ],
  ];

  describe.each(services)('%s', (_service, connect) => {
    let account: number;
    let outside: Outside;
    let start: number;

    beforeAll(async () => {
      ({ account, outside } = await connect());
      start = await latest(account);
    });

    it('answers an integer cursor, and API changes are in the feed at once: add, rename, move, delete', async () => {
      expect(Number.isSafeInteger(start)).toBe(true);
      const folder = (await as(api().post(`/v1/accounts/${account}/storage/folders`)).send({ name: 'docs', parent_id: 'root' }).expect(201)).body;
      const file = await upload(account, 'a.txt', 'hello');
      const renamed = (await as(api().patch(`/v1/accounts/${account}/storage/files/${file.id}`)).send({ name: 'b.txt' }).expect(200)).body;
      const moved = (await as(api().patch(`/v1/accounts/${account}/storage/files/${renamed.id}`)).send({ parent_id: folder.id }).expect(200)).body;
      await as(api().delete(`/v1/accounts/${account}/storage/files/${moved.id}`)).expect(204);

      const page = await events(account, start);
      expect(page.objects.map((e) => [e.type, e.metadata.name])).toEqual([
        ['add', 'docs'],
        ['add', 'a.txt'],
        ['rename', 'b.txt'],
        ['move', 'b.txt'],
        ['delete', 'b.txt'],
      ]);
      const [addFolder, addFile, rename, move, del] = page.objects;
      expect(addFolder).toMatchObject({ id: folder.id, account, metadata: { id: folder.id, type: 'folder', path: '/docs' } });
      expect(addFile.metadata).toMatchObject({ id: file.id, type: 'file', size: 5 });
      expect(rename.metadata.id).toBe(renamed.id);
      expect(move.metadata).toMatchObject({ id: moved.id, path: '/docs/b.txt' });
      expect(del.id).toBe(moved.id); // a delete names the object by its top-level id
      expect(page.remaining).toBe(0);
      expect(new Set(page.objects.map((e) => e.event_id)).size).toBe(5);

      // The same changes as webhooks (an upload is file.uploaded, as before).
      const ofAccount = () => hooks.filter((h) => h.data.account === account);
      await until('the webhooks of the API changes', async () => (ofAccount().length >= 5 ? true : undefined));
      expect(ofAccount().map((h) => h.type).sort()).toEqual(['file.deleted', 'file.moved', 'file.moved', 'file.uploaded', 'folder.created']);
      const moves = ofAccount().filter((h) => h.type === 'file.moved');
      expect(moves.map((h) => h.data.change).sort()).toEqual(['move', 'rename']);
      expect(moves.find((h) => h.data.change === 'rename')!.data.previous).toMatchObject({ id: file.id, name: 'a.txt' });
      expect(ofAccount().find((h) => h.type === 'file.deleted')!.data).toMatchObject({ file: { id: moved.id }, source: 'api' });
    });

    it('finds a file written, changed and removed outside the API with the scan, and sends them as webhooks', async () => {
      const cursor = await latest(account);
      await outside.write('outside.txt', 'made elsewhere');
      const added = await until('the outside file in the feed', async () => (await allAfter(account, cursor)).events.find((e) => e.metadata.name === 'outside.txt'));
      expect(added).toMatchObject({ type: 'add', metadata: { type: 'file', size: 14, path: '/outside.txt' } });
      const hook = await until('its webhook', async () => hooks.find((h) => h.type === 'file.uploaded' && h.data.account === account && h.data.file.name === 'outside.txt'));
      expect(hook.data).toMatchObject({ source: 'external', file: { id: added.metadata.id } });

      await outside.write('outside.txt', 'made elsewhere, then changed');
      const updated = await until('the update', async () => (await allAfter(account, cursor)).events.find((e) => e.type === 'update'));
      expect(updated).toMatchObject({ id: added.metadata.id, metadata: { size: 28 } });
      await until('file.updated', async () => hooks.find((h) => h.type === 'file.updated' && h.data.account === account));

      await outside.remove('outside.txt');
      const removed = await until('the delete', async () => (await allAfter(account, cursor)).events.find((e) => e.type === 'delete'));
      expect(removed.id).toBe(added.metadata.id);
      await until('file.deleted (external)', async () => hooks.find((h) => h.type === 'file.deleted' && h.data.account === account && h.data.source === 'external'));

      // Files written through the API are not reported again by the scan.
      const all = (await allAfter(account, start)).events;
      expect(all.filter((e) => e.metadata.name === 'outside.txt').map((e) => e.type)).toEqual(['add', 'update', 'delete']);
      expect(all.filter((e) => e.type === 'update' && e.metadata.name !== 'outside.txt')).toEqual([]);
    });

    it('pages with cursors: page_size, remaining, and the same events as one read', async () => {
      const whole = (await allAfter(account, start)).events;
      expect(whole.length).toBeGreaterThanOrEqual(8);
      const paged: FeedEvent[] = [];
      let cursor = start;
      let page = await events(account, cursor, 3);
      expect(page.count).toBe(3);
      expect(page.remaining).toBe(whole.length - 3);
      for (;;) {
        paged.push(...page.objects);
        cursor = page.cursor;
        if (page.remaining === 0) break;
        page = await events(account, cursor, 3);
      }
      expect(paged.map((e) => e.event_id)).toEqual(whole.map((e) => e.event_id));
      // At the end, the cursor stays and the page is empty; latest is that same position.
      expect(await events(account, cursor)).toMatchObject({ count: 0, remaining: 0, cursor });
      expect(await latest(account)).toBe(cursor);
    });

    it('lists recent files newest first with total, pages within limits, and filters by `after`', async () => {
      const names = ['r1.txt', 'r2.txt', 'r3.txt'];
      const made = [];
      for (const n of names) {
        made.push(await upload(account, n, `recent ${n}`));
        await new Promise((r) => setTimeout(r, 1100)); // modification times a second apart (S3 keeps seconds)
      }
      const all = (await as(api().get(`/v1/accounts/${account}/storage/recent`)).expect(200)).body;
      expect(all).toMatchObject({ type: 'object_list', api: 'storage', page: 1 });
      expect(all.objects.slice(0, 3).map((f: { name: string }) => f.name)).toEqual(['r3.txt', 'r2.txt', 'r1.txt']);
      expect(all.total).toBe(all.objects.length);
      expect(all.objects.every((f: { type: string }) => f.type === 'file')).toBe(true);
      const modified = all.objects.map((f: { modified: string }) => Date.parse(f.modified));
      expect(modified).toEqual([...modified].sort((a, b) => b - a));

      const first = (await as(api().get(`/v1/accounts/${account}/storage/recent?page_size=1&page=1`)).expect(200)).body;
      expect(first).toMatchObject({ count: 1, next_page: 2, total: all.total });
      expect(first.objects[0].id).toBe(made[2].id);
      const second = (await as(api().get(`/v1/accounts/${account}/storage/recent?page_size=1&page=2`)).expect(200)).body;
      expect(second.objects[0].id).toBe(made[1].id);

      for (const q of ['page=0', 'page_size=1001', `page_size=1&page=${all.total + 1}`]) {
        const res = await as(api().get(`/v1/accounts/${account}/storage/recent?${q}`)).expect(400);
        expect(res.body).toMatchObject({ error_code: 'invalid_parameters', status_code: 400 });
      }

      const after = (await as(api().get(`/v1/accounts/${account}/storage/recent?after=${encodeURIComponent(made[1].modified)}`)).expect(200)).body;
      expect(after.objects.map((f: { name: string }) => f.name)).toEqual(['r3.txt']); // strictly after, as Kloudless
      const newest = (await as(api().get(`/v1/accounts/${account}/storage/recent?after=${encodeURIComponent(made[2].modified)}`)).expect(200)).body;
      expect(newest).toMatchObject({ objects: [], total: 0 });
      const none = (await as(api().get(`/v1/accounts/${account}/storage/recent?after=00/00/00`)).expect(200)).body;
      expect(none).toMatchObject({ objects: [], count: 0 });
    });
  });

  it("scans an account of an app whose webhook wants file events without anyone reading its feed, and forgets it when it is deleted", async () => {
    const account = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'watched-only' } }).expect(201)).body.id;
    // The scan's first pass (a baseline, reporting nothing) starts because webhooks said the app watches file events.
    const state = await until('the first pass', async () => ((await feedAccountOf(account))?.baseline_done ? feedAccountOf(account) : undefined));
    expect(state).toMatchObject({ followed: false });
    await writeFile(join(stack.localRoot, 'apps', app.id, 'watched-only', 'dropped.txt'), 'dropped in');
    const hook = await until('the webhook', async () => hooks.find((h) => h.data.account === account && h.data.file?.name === 'dropped.txt'));
    expect(hook).toMatchObject({ type: 'file.uploaded', data: { source: 'external', file: { size: 10, path: '/dropped.txt' } } });

    await as(api().delete(`/v1/accounts/${account}`)).expect(204);
    for (const table of ['feed_accounts', 'feed_events', 'feed_entries'] as const) expect(await waitUntilNoRows(table, account)).toBe(0);
  });

  describe('cursors', () => {
    let one: number;
    let two: number;
    beforeAll(async () => {
      one = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'cursor-one' } }).expect(201)).body.id;
      two = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'cursor-two' } }).expect(201)).body.id;
    });

    it("refuses garbage, another account's cursor and a page_size above 1000 with 400", async () => {
      for (const cursor of ['garbage', '-1', '1.5', '99999999999999999999']) {
        const res = await as(api().get(`/v1/accounts/${one}/events?cursor=${cursor}`)).expect(400);
        expect(res.body).toMatchObject({ error_code: 'invalid_cursor', status_code: 400 });
        expect(res.body.message).toMatch(/cursor/);
      }
      const foreign = await latest(two);
      expect((await as(api().get(`/v1/accounts/${one}/events?cursor=${foreign}`)).expect(400)).body.error_code).toBe('invalid_cursor');
      expect((await as(api().get(`/v1/accounts/${one}/events?page_size=100000`)).expect(400)).body.error_code).toBe('invalid_parameters');
    });

    it("answers 404 to another app for this app's account, on every feed route", async () => {
      const other = await createApp(stack, 'another');
      for (const path of ['events', 'events/latest', 'storage/recent']) {
        const res = await api().get(`/v1/accounts/${one}/${path}`).set('Authorization', `APIKey ${other.apiKey}`).expect(404);
        expect(res.body.error_code).toBe('not_found');
      }
    });

    it('refuses a cursor whose events were dropped (retention: 30 per account here) and keeps serving newer ones', async () => {
      const old = await latest(two);
      for (let i = 0; i < 35; i++) await as(api().post(`/v1/accounts/${two}/storage/folders`)).send({ name: `f${i}`, parent_id: 'root' }).expect(201);
      const res = await until('the pruning', async () => {
        const r = await as(api().get(`/v1/accounts/${two}/events?cursor=${old}`));
        return r.status === 400 ? r : undefined;
      });
      expect(res.body).toMatchObject({ error_code: 'invalid_cursor', status_code: 400 });
      expect(res.body.message).toMatch(/expired/);
      const kept = await events(two, undefined, 1000);
      expect(kept.count).toBe(30);
      expect(kept.objects[kept.count - 1].metadata.name).toBe('f34');
    });

    it('keeps cursors valid across a restart of the connectors service', async () => {
      const cursor = await latest(one);
      await as(api().post(`/v1/accounts/${one}/storage/folders`)).send({ name: 'before-restart', parent_id: 'root' }).expect(201);
      await stack.stopService('connectors');
      stack.startService('connectors');
      await stack.waitHealthy(60_000);
      const page = await events(one, cursor);
      expect(page.objects.map((e) => e.metadata.name)).toEqual(['before-restart']);
    });
  });
});

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

/**
 * Issue 9, first slice: copies into another account of the same app run as
 * transfer tasks (Bull in the transfer service, bytes streamed inside the
 * connectors service), synchronously or with X-Kloudless-Async and the Task API.
 */
describe('transfer tasks: copy between accounts (e2e)', () => {
  let stack: TestStack;
  let app: { id: string; apiKey: string };
  let source: number;
  let target: number;
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test, key = app.apiKey) => req.set('Authorization', `APIKey ${key}`);
  const upload = async (account: number, name: string, body: Buffer) =>
    (await as(api().post(`/v1/accounts/${account}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name, parent_id: 'root' })).set('Content-Type', 'application/octet-stream').send(body).expect(201)).body;
  const download = async (account: number, id: string) => (await bytesOf(as(api().get(`/v1/accounts/${account}/storage/files/${id}/contents`))).expect(200)).body as Buffer;

  beforeAll(async () => {
    stack = await startTestStack(20080, {
      gateway: { RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_APP_PER_SECOND: '1000', TASK_SYNC_WAIT_MS: '20000' },
      transfer: { TASK_RETENTION_S: '3', TASK_CONCURRENCY: '1' },
      // the URL server below listens on loopback; link-local and private stay refused
      connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback' },
    });
    app = await createApp(stack, 'transfers');
    source = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'src' } }).expect(201)).body.id;
    target = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'dst' } }).expect(201)).body.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('copies a file into another account synchronously: 201 with the new file, bytes identical', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const file = await upload(source, 'report.bin', bytes);
    const res = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`)).send({ parent_id: 'root', account: target, name: 'copy.bin' }).expect(201);
    expect(res.body).toMatchObject({ type: 'file', name: 'copy.bin', account: target, size: bytes.length });
    expect((await download(target, res.body.id)).equals(bytes)).toBe(true);
    // a clash is the same 409 a copy within one account gives
    const clash = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`)).send({ parent_id: 'root', account: target, name: 'copy.bin' });
    expect(clash.status).toBe(409);
    expect(clash.body.error_code).toBe('naming_conflict');
  });

  it('runs an async copy as a Task whose percent_completed rises to the finished file, then forgets it after retention', async () => {
    const bytes = randomBytes(96 * 1024 * 1024);
    const file = await upload(source, 'big.bin', bytes);
    const started = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`))
      .set('X-Kloudless-Async', 'true')
      .send({ parent_id: 'root', account: String(target) })
      .expect(202);
    expect(started.body).toMatchObject({ type: 'task', status: expect.stringMatching(/^(PENDING|STARTED)$/), account: source });
    const seen: number[] = [];
    let final: Record<string, unknown> | null = null;
    for (let i = 0; i < 600 && !final; i++) {
      const res = await as(api().get(`/v1/accounts/${source}/tasks/${started.body.id}`)).expect(200);
      if (res.body.type === 'task') {
        if (res.body.info?.percent_completed !== null && res.body.info?.percent_completed !== undefined) seen.push(res.body.info.percent_completed);
      } else final = res.body;
      if (!final) await new Promise((r) => setTimeout(r, 50));
    }
    expect(final).toMatchObject({ type: 'file', name: 'big.bin', account: target, size: bytes.length });
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never goes back
    expect((await download(target, String(final!.id))).equals(bytes)).toBe(true);

    const listed = await as(api().get('/v1/tasks?status=SUCCESS')).expect(200);
    expect(listed.body.objects.map((t: { id: string }) => t.id)).toContain(started.body.id);

    await new Promise((r) => setTimeout(r, 3500));
    const forgotten = await as(api().get(`/v1/accounts/${source}/tasks/${started.body.id}`)).expect(200);
    expect(forgotten.body).toMatchObject({ id: started.body.id, status: 'UNKNOWN', info: null });
  }, 120_000);

  it('cancels a task that has not started: it fails as cancelled and writes nothing', async () => {
    const big = await upload(source, 'occupies-the-worker.bin', randomBytes(64 * 1024 * 1024));
    const small = await upload(source, 'never-copied.bin', randomBytes(1024));
    // one worker (TASK_CONCURRENCY=1) busy with three copies of 64 MiB: the next task stays PENDING meanwhile
    for (const n of [1, 2, 3]) {
      await as(api().post(`/v1/accounts/${source}/storage/files/${big.id}/copy`)).set('X-Kloudless-Async', 'true').send({ parent_id: 'root', account: target, name: `occupied-${n}.bin` }).expect(202);
    }
    const pending = await as(api().post(`/v1/accounts/${source}/storage/files/${small.id}/copy`)).set('X-Kloudless-Async', 'true').send({ parent_id: 'root', account: target }).expect(202);
    const cancelled = await as(api().post(`/v1/tasks/${pending.body.id}/cancel`)).expect(200);
    expect(cancelled.body).toMatchObject({ id: pending.body.id, status: 'FAILURE' });
    const res = await as(api().get(`/v1/accounts/${source}/tasks/${pending.body.id}`));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/cancelled/);
    await new Promise((r) => setTimeout(r, 3000)); // the worker reaches it, and skips it
    const listing = await as(api().get(`/v1/accounts/${target}/storage/folders/root/contents`)).expect(200);
    expect(listing.body.objects.map((o: { name: string }) => o.name)).not.toContain('never-copied.bin');
    await as(api().post(`/v1/tasks/${pending.body.id}/cancel`)).expect(400); // already ended
  }, 60_000);

  it("refuses another app's account as the destination with 404, starting nothing", async () => {
    const other = await createApp(stack, 'other');
    const foreign = (await as(api().post('/v1/accounts'), other.apiKey).send({ service: 'local', config: { path: 'theirs' } }).expect(201)).body.id;
    const file = await upload(source, 'mine.bin', Buffer.from('mine'));
    const before = (await as(api().get('/v1/tasks')).expect(200)).body.count;
    const res = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`)).send({ parent_id: 'root', account: foreign });
    expect(res.status).toBe(404);
    expect((await as(api().get('/v1/tasks')).expect(200)).body.count).toBe(before);
    const theirs = await as(api().get(`/v1/accounts/${foreign}/storage/folders/root/contents`), other.apiKey).expect(200);
    expect(theirs.body.objects).toEqual([]);
  });

  it("does not show one app's tasks to another", async () => {
    const other = await createApp(stack, 'nosy');
    const mine = (await as(api().get('/v1/tasks')).expect(200)).body.objects;
    expect(mine.length).toBeGreaterThan(0);
    expect((await as(api().get('/v1/tasks'), other.apiKey).expect(200)).body.objects).toEqual([]);
    await as(api().post(`/v1/tasks/${mine[0].id}/cancel`), other.apiKey).expect(404);
  });

  it('takes upload tags (seed 004) on uploads, copies and uploads from URL, echoes them exactly, and holds them to the limits', async () => {
    const tags = { userId: 'u-42', 'Transaction ID': 'tx/9', empty: '' };
    const uploaded = await as(api().post(`/v1/accounts/${source}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name: 'tagged.bin', parent_id: 'root', tags })).set('Content-Type', 'application/octet-stream').send(Buffer.from('tagged')).expect(201);
    expect(uploaded.body.upload_tags).toEqual(tags);
    const copied = await as(api().post(`/v1/accounts/${source}/storage/files/${uploaded.body.id}/copy`)).send({ parent_id: 'root', account: target, name: 'tagged-copy.bin', tags: { step: 'copied' } }).expect(201);
    expect(copied.body.upload_tags).toEqual({ step: 'copied' });
    // tags belong to the call that wrote the file, not to the file's later reads
    expect((await as(api().get(`/v1/accounts/${target}/storage/files/${copied.body.id}`)).expect(200)).body.upload_tags).toBeUndefined();

    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    const refused = await as(api().post(`/v1/accounts/${source}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name: 'never.bin', parent_id: 'root', tags: tooMany })).set('Content-Type', 'application/octet-stream').send(Buffer.from('x'));
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('invalid_parameters');
    const longKey = await as(api().post(`/v1/accounts/${source}/storage/files/${uploaded.body.id}/copy`)).send({ parent_id: 'root', account: target, tags: { ['k'.repeat(129)]: 'v' } });
    expect(longKey.status).toBe(400);
    const notString = await as(api().post(`/v1/accounts/${source}/storage/files/${uploaded.body.id}/copy`)).send({ parent_id: 'root', account: target, tags: { n: 1 } });
    expect(notString.status).toBe(400);
    expect((await as(api().get(`/v1/accounts/${source}/storage/folders/root/contents`)).expect(200)).body.objects.map((o: { name: string }) => o.name)).not.toContain('never.bin');
  });

  it('deletes a folder tree in the background with X-Kloudless-Async (202 + Task, then the deletion), and at once without it (204)', async () => {
    const folder = (await as(api().post(`/v1/accounts/${source}/storage/folders`)).send({ parent_id: 'root', name: 'to-go' }).expect(201)).body.id;
    const sub = (await as(api().post(`/v1/accounts/${source}/storage/folders`)).send({ parent_id: folder, name: 'sub' }).expect(201)).body.id;
    for (const parent of [folder, sub]) {
      await as(api().post(`/v1/accounts/${source}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name: 'f.bin', parent_id: parent })).set('Content-Type', 'application/octet-stream').send(randomBytes(1000)).expect(201);
    }
    const started = await as(api().delete(`/v1/accounts/${source}/storage/folders/${folder}?recursive=true`)).set('X-Kloudless-Async', 'true').expect(202);
    expect(started.body).toMatchObject({ type: 'task', kind: 'delete_folder', account: source });
    let final: Record<string, unknown> | null = null;
    for (let i = 0; i < 200 && !final; i++) {
      const res = await as(api().get(`/v1/accounts/${source}/tasks/${started.body.id}`)).expect(200);
      if (res.body.type !== 'task') final = res.body;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(final).toEqual({ id: folder, type: 'folder', deleted: true });
    await as(api().get(`/v1/accounts/${source}/storage/folders/${folder}`)).expect(404);

    const other = (await as(api().post(`/v1/accounts/${source}/storage/folders`)).send({ parent_id: 'root', name: 'also-to-go' }).expect(201)).body.id;
    const res = await as(api().delete(`/v1/accounts/${source}/storage/folders/${other}?recursive=true`)).expect(204);
    expect(res.text).toBe('');
  });

  describe('upload from URL', () => {
    let server: Server;
    let base: string;
    const served = new Map<string, { body: Buffer; type: string }>();
    const root = async (account: number) => (await as(api().get(`/v1/accounts/${account}/storage/folders/root/contents`)).expect(200)).body.objects.map((o: { name: string }) => o.name);

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/elsewhere') return void res.writeHead(302, { Location: 'http://10.1.2.3/secret' }).end();
        const file = served.get(req.url ?? '');
        if (!file) return void res.writeHead(404).end('no');
        res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length }).end(file.body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('fetches a URL into the account synchronously: 201 with the file named from the URL, bytes identical', async () => {
      const bytes = randomBytes(5 * 1024 * 1024 + 3);
      served.set('/photos/summer%20trip.jpg', { body: bytes, type: 'image/jpeg' });
      const res = await as(api().post(`/v1/accounts/${target}/storage/files`)).send({ url: `${base}/photos/summer%20trip.jpg`, parent_id: 'root', tags: { album: 'summer' } }).expect(201);
      expect(res.body).toMatchObject({ type: 'file', name: 'summer trip.jpg', account: target, size: bytes.length, mime_type: 'image/jpeg', upload_tags: { album: 'summer' } });
      expect((await download(target, res.body.id)).equals(bytes)).toBe(true);
    });

    it('runs as a Task with X-Kloudless-Async, percent_completed from Content-Length', async () => {
      const bytes = randomBytes(48 * 1024 * 1024);
      served.set('/big.bin', { body: bytes, type: 'application/octet-stream' });
      const started = await as(api().post(`/v1/accounts/${target}/storage/files`)).set('X-Kloudless-Async', 'true').send({ url: `${base}/big.bin`, parent_id: 'root', name: 'fetched.bin' }).expect(202);
      expect(started.body).toMatchObject({ type: 'task', kind: 'upload_from_url', account: target });
      let final: Record<string, unknown> | null = null;
      const seen: number[] = [];
      for (let i = 0; i < 600 && !final; i++) {
        const res = await as(api().get(`/v1/accounts/${target}/tasks/${started.body.id}`)).expect(200);
        if (res.body.type !== 'task') final = res.body;
        else if (typeof res.body.info?.percent_completed === 'number') seen.push(res.body.info.percent_completed);
        if (!final) await new Promise((r) => setTimeout(r, 50));
      }
      expect(final).toMatchObject({ type: 'file', name: 'fetched.bin', size: bytes.length });
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect((await download(target, String(final!.id))).equals(bytes)).toBe(true);
    }, 60_000);

    it('refuses link-local and private addresses, also behind a redirect, and URLs that are not http(s); nothing is written', async () => {
      const metadata = await as(api().post(`/v1/accounts/${target}/storage/files`)).send({ url: 'http://169.254.169.254/latest/meta-data/iam', parent_id: 'root' });
      expect(metadata.status).toBe(400);
      expect(metadata.body).toMatchObject({ error_code: 'invalid_parameters', message: expect.stringMatching(/link-local/) });
      const redirected = await as(api().post(`/v1/accounts/${target}/storage/files`)).send({ url: `${base}/elsewhere`, parent_id: 'root' });
      expect(redirected.status).toBe(400);
      expect(redirected.body.message).toMatch(/private/);
      const ftp = await as(api().post(`/v1/accounts/${target}/storage/files`)).send({ url: 'ftp://127.0.0.1/file', parent_id: 'root' });
      expect(ftp.status).toBe(400);
      expect(ftp.body.error_code).toBe('invalid_parameters');
      const names = await root(target);
      expect(names).not.toContain('iam');
      expect(names).not.toContain('secret');
    });

    it("answers 400 when the URL's server answers 404", async () => {
      const res = await as(api().post(`/v1/accounts/${target}/storage/files`)).send({ url: `${base}/missing.txt`, parent_id: 'root' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/answered 404/);
    });
  });

  describe('upload locations', () => {
    const locations = () => as(api().get('/v1/upload_locations')).expect(200).then((r) => r.body);
    const follow = async (account: number, taskId: string) => {
      for (let i = 0; i < 400; i++) {
        const res = await as(api().get(`/v1/accounts/${account}/tasks/${taskId}`));
        if (res.body.type !== 'task') return res;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('task did not end');
    };

    it('are managed per app with exactly one default; an account of another app is refused', async () => {
      const inbox = (await as(api().post(`/v1/accounts/${source}/storage/folders`)).send({ parent_id: 'root', name: 'inbox' }).expect(201)).body;
      const first = (await as(api().post('/v1/upload_locations')).send({ account_id: target, folder_id: 'root' }).expect(201)).body;
      expect(first).toMatchObject({ type: 'upload_location', account_id: target, folder_id: 'root', default: true });
      const second = (await as(api().post('/v1/upload_locations')).send({ account_id: String(source), folder_id: inbox.id }).expect(201)).body;
      expect(second.default).toBe(false);
      await as(api().patch(`/v1/upload_locations/${second.id}`)).send({ default: true }).expect(200);
      const listed = await locations();
      expect(listed.objects.map((l: { id: string; default: boolean }) => [l.id, l.default])).toEqual([[first.id, false], [second.id, true]]);
      await as(api().patch(`/v1/upload_locations/${first.id}`)).send({ default: true }).expect(200);
      expect((await as(api().get(`/v1/upload_locations/${second.id}`)).expect(200)).body.default).toBe(false);

      const other = await createApp(stack, 'someone else');
      const foreign = (await as(api().post('/v1/accounts'), other.apiKey).send({ service: 'local', config: { path: 'elsewhere' } }).expect(201)).body.id;
      await as(api().post('/v1/upload_locations')).send({ account_id: foreign }).expect(404);
      await as(api().get(`/v1/upload_locations/${second.id}`), other.apiKey).expect(404);
      const bad = await as(api().post('/v1/upload_locations')).send({ account_id: 'root' });
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('invalid_parameters');
      expect((await locations()).count).toBe(2);
    });

    it('takes a copy to "upload_location" as the File Picker sends it: sync to the default, async with return_type=task, or to the location named by drop_account', async () => {
      const bytes = randomBytes(2 * 1024 * 1024 + 5);
      const file = await upload(source, 'picked.bin', bytes);
      const sync = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`)).send({ account: 'upload_location', name: 'picked-sync.bin' }).expect(201);
      expect(sync.body).toMatchObject({ type: 'file', name: 'picked-sync.bin', account: target, size: bytes.length });
      expect((await download(target, sync.body.id)).equals(bytes)).toBe(true);

      const task = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy?return_type=task`)).send({ account: 'upload_location', name: 'picked-async.bin' }).expect(202);
      expect(task.body).toMatchObject({ type: 'task', kind: 'copy_file' });
      expect((await follow(source, task.body.id)).body).toMatchObject({ type: 'file', name: 'picked-async.bin', account: target });

      const inbox = (await locations()).objects.find((l: { account_id: number }) => l.account_id === source);
      const dropped = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`)).send({ account: 'upload_location', drop_account: source, parent_id: inbox.folder_id, name: 'dropped.bin' }).expect(201);
      expect(dropped.body).toMatchObject({ account: source, parent: { id: inbox.folder_id } });
      const nowhere = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`)).send({ account: 'upload_location', drop_account: source, parent_id: 'Fnot-a-location' });
      expect(nowhere.status).toBe(404);
    });

    it('go away with their account: the next location becomes the default, and with none left a copy to upload_location is a clear 404', async () => {
      const doomed = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'doomed' } }).expect(201)).body.id;
      await as(api().post('/v1/upload_locations')).send({ account_id: doomed, default: true }).expect(201);
      await as(api().delete(`/v1/accounts/${doomed}`)).expect(204);
      for (let i = 0; i < 100 && (await locations()).objects.some((l: { account_id: number }) => l.account_id === doomed); i++) await new Promise((r) => setTimeout(r, 100));
      const left = (await locations()).objects;
      expect(left.some((l: { account_id: number }) => l.account_id === doomed)).toBe(false);
      expect(left.filter((l: { default: boolean }) => l.default)).toHaveLength(1);
      for (const l of left) await as(api().delete(`/v1/upload_locations/${l.id}`)).expect(204);
      const file = await upload(source, 'homeless.bin', Buffer.from('x'));
      const res = await as(api().post(`/v1/accounts/${source}/storage/files/${file.id}/copy`)).send({ account: 'upload_location' });
      expect(res.status).toBe(404);
      expect(res.body.message).toMatch(/no upload location/);
    });
  });
});

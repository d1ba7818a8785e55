import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import * as azureServer from '../../apps/connectors/test/servers/azure';
import * as s3Server from '../../apps/connectors/test/servers/s3';
import * as sftpServer from '../../apps/connectors/test/servers/sftp';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(240_000);

const MiB = 1024 * 1024;
const PART = 16 * MiB;

/**
 * Issue 9, the chunked engine: copies between accounts over real servers run
 * part by part (ranged read → part write inside connectors, parts planned and
 * stored by transfer). Parts that stall are split; killed services resume
 * from the parts already done.
 */
describe('transfer: chunked copies between real servers (e2e)', () => {
  let stack: TestStack;
  let db: Client;
  let key: string;
  let s3: Awaited<ReturnType<typeof s3Server.start>>;
  let sftp: Awaited<ReturnType<typeof sftpServer.start>>;
  let azure: Awaited<ReturnType<typeof azureServer.start>>;
  let proxy: StallingProxy;
  let local: number;
  let bucket: number;
  let slowBucket: number;
  let receiver: HttpServer;
  /** Webhook deliveries of task events: `{ type, data }`. */
  const delivered: Array<{ type: string; timestamp: string; data: { task: { id: string }; bytes_done?: number; source?: string; client?: string; upload_tags?: Record<string, string>; file?: { id: string } } }> = [];
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test) => req.set('Authorization', `APIKey ${key}`);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const connectAccount = async (service: string, config: object) => (await as(api().post('/v1/accounts')).send({ service, config }).expect(201)).body.id as number;
  const upload = async (account: number, name: string, body: Buffer) =>
    (await as(api().post(`/v1/accounts/${account}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name, parent_id: 'root' })).set('Content-Type', 'application/octet-stream').send(body).expect(201)).body;
  const download = async (account: number, id: string) =>
    (await bytesOf(as(api().get(`/v1/accounts/${account}/storage/files/${id}/contents`)).maxResponseSize(512 * MiB)).expect(200)).body as Buffer;
  const startCopy = async (from: number, fileId: string, to: number, name: string, tags?: Record<string, string>) =>
    (await as(api().post(`/v1/accounts/${from}/storage/files/${fileId}/copy`)).set('X-Kloudless-Async', 'true').send({ parent_id: 'root', account: to, name, tags }).expect(202)).body.id as string;
  const parts = async (taskId: string) =>
    (await db.query<{ number: number; size: string; attempts: number; done_at: Date | null }>('SELECT number, size, attempts, done_at FROM transfer.task_parts WHERE task_id = $1 ORDER BY number', [taskId])).rows;

  /** Polls the task until it ends; every percent seen on the way, and the final body (the File, or the error). */
  async function follow(account: number, taskId: string): Promise<{ percents: number[]; final: Record<string, unknown> | null }> {
    const percents: number[] = [];
    for (let i = 0; i < 2400; i++) {
      const res = await as(api().get(`/v1/accounts/${account}/tasks/${taskId}`));
      if (res.status === 503 || res.status === 504) {
        // The transfer service is restarting: the task lives on in Postgres.
      } else if (res.status === 200 && res.body.type === 'task') {
        const p = res.body.info?.percent_completed;
        if (typeof p === 'number') percents.push(p);
      } else return { percents, final: res.body };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`task ${taskId} did not end`);
  }

  beforeAll(async () => {
    [s3, sftp, azure] = await Promise.all([s3Server.start(), sftpServer.start(), azureServer.start()]);
    receiver = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        delivered.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    proxy = await stallingProxy(Number(new URL(s3.config.endpoint!).port), 12 * MiB);
    stack = await startTestStack(20180, {
      gateway: { RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_APP_PER_SECOND: '1000' },
      connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback' },
      transfer: {
        TRANSFER_PART_SIZE: String(PART), TRANSFER_CHUNK_ABOVE: String(PART), TRANSFER_STALL_TIMEOUT_MS: '3000',
        TASK_LOCK_MS: '3000', TASK_CONCURRENCY: '2', TASK_PROGRESS_EVENT_MS: '300',
      },
      webhooks: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback' },
    });
    db = new Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}` });
    await db.connect();
    key = (await createApp(stack, 'chunked transfers')).apiKey;
    await as(api().post('/v1/webhooks')).send({ url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/tasks`, events: ['task.progress', 'task.completed', 'file.uploaded'] }).expect(201);
    local = await connectAccount('local', { path: 'source' });
    bucket = await connectAccount('s3_compatible', { ...s3.config, prefix: 'copies/' });
    slowBucket = await connectAccount('s3_compatible', { ...s3.config, prefix: 'stalled/', endpoint: `http://127.0.0.1:${proxy.port}` });
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await proxy?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    await Promise.allSettled([s3?.stop(), sftp?.stop(), azure?.stop()]);
  });

  it('copies 128 MiB from SFTP to S3 as an async task in parts, percent_completed rising, bytes identical', async () => {
    const box = await connectAccount('sftp', sftp.config);
    const bytes = randomBytes(128 * MiB);
    const file = await upload(box, 'from-sftp.bin', bytes);
    const taskId = await startCopy(box, file.id, bucket, 'from-sftp.bin', { batch: 'nightly' });
    const { percents, final } = await follow(box, taskId);
    expect(final).toMatchObject({ type: 'file', name: 'from-sftp.bin', account: bucket, size: bytes.length });
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBeGreaterThan(2);
    const stored = await parts(taskId);
    expect(stored.length).toBe(8);
    expect(stored.every((p) => p.done_at !== null)).toBe(true);
    expect(sha(await download(bucket, String(final!.id)))).toBe(sha(bytes));
    // task.progress webhooks came while it ran, bytes rising, then task.completed
    const completed = () => delivered.some((d) => d.type === 'task.completed' && d.data.task.id === taskId);
    for (let i = 0; i < 100 && !completed(); i++) await new Promise((r) => setTimeout(r, 100));
    // deliveries may overtake each other: order by when the event happened
    const progress = delivered
      .filter((d) => d.type === 'task.progress' && d.data.task.id === taskId)
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))
      .map((d) => d.data.bytes_done!);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(completed()).toBe(true);
    // and file.uploaded for the copy, with its tags
    const uploadedEvent = () => delivered.find((d) => d.type === 'file.uploaded' && d.data.file?.id === final!.id && d.data.source === 'transfer');
    for (let i = 0; i < 100 && !uploadedEvent(); i++) await new Promise((r) => setTimeout(r, 100));
    const uploaded = uploadedEvent();
    expect(uploaded?.data).toMatchObject({ upload_tags: { batch: 'nightly' }, client: 'sftp' });
  });

  it('copies 256 MiB from S3 to Azure Blob as an async task in parts (staged blocks), percent_completed rising, bytes identical', async () => {
    const blob = await connectAccount('azure', azure.config);
    const bytes = randomBytes(256 * MiB);
    const file = await upload(bucket, 'to-azure.bin', bytes);
    const taskId = await startCopy(bucket, file.id, blob, 'to-azure.bin');
    const { percents, final } = await follow(bucket, taskId);
    expect(final).toMatchObject({ type: 'file', name: 'to-azure.bin', account: blob, size: bytes.length });
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBeGreaterThan(2);
    const stored = await parts(taskId);
    expect(stored.length).toBe(16);
    expect(stored.every((p) => p.done_at !== null && p.attempts === 1)).toBe(true);
    expect(sha(await download(blob, String(final!.id)))).toBe(sha(bytes));
  });

  it('splits parts that stall on their way to S3 (a TCP proxy holds parts ≥ 12 MiB): the task completes with smaller parts, bytes identical', async () => {
    const bytes = randomBytes(48 * MiB);
    const file = await upload(local, 'through-proxy.bin', bytes);
    const taskId = await startCopy(local, file.id, slowBucket, 'through-proxy.bin');
    const { final } = await follow(local, taskId);
    expect(final).toMatchObject({ type: 'file', account: slowBucket, size: bytes.length });
    expect(proxy.stalled.length).toBeGreaterThan(0);
    const sizes = (await parts(taskId)).map((p) => Number(p.size));
    expect(Math.max(...sizes)).toBeLessThan(12 * MiB); // every part that made it is below what the proxy holds
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(sha(await download(slowBucket, String(final!.id)))).toBe(sha(bytes));
  });

  it.each(['transfer', 'connectors'])('resumes after SIGKILL of %s mid-copy: parts done before are not copied again, bytes identical', async (service) => {
    const bytes = randomBytes(160 * MiB);
    const file = await upload(local, `resume-${service}.bin`, bytes);
    const taskId = await startCopy(local, file.id, bucket, `resume-${service}.bin`);
    await until(async () => (await parts(taskId)).filter((p) => p.done_at !== null).length >= 2);
    await stack.stopService(service, 'SIGKILL');
    const before = (await parts(taskId)).filter((p) => p.done_at !== null);
    stack.startService(service);
    const { final } = await follow(local, taskId);
    expect(final).toMatchObject({ type: 'file', account: bucket, size: bytes.length });
    expect(before.length).toBeGreaterThan(0);
    const after = new Map((await parts(taskId)).map((p) => [p.number, p]));
    for (const done of before) {
      expect(after.get(done.number)?.done_at?.getTime()).toBe(done.done_at!.getTime());
      expect(after.get(done.number)?.attempts).toBe(1);
    }
    expect(sha(await download(bucket, String(final!.id)))).toBe(sha(bytes));
    await stack.waitHealthy();
  });

  it.each(['local', 's3'])('completes a client multipart session (%s) across a SIGKILL of connectors: parts sent before the restart are kept', async (kind) => {
    const account = kind === 'local' ? local : bucket;
    const size = 20 * MiB + 4321;
    const bytes = randomBytes(size);
    const base = `/v1/accounts/${account}/storage/multipart`;
    const session = (await as(api().post(base)).send({ parent_id: 'root', name: `session-${kind}.bin`, size }).expect(201)).body;
    const partSize: number = session.part_size;
    const count = Math.ceil(size / partSize);
    expect(count).toBeGreaterThan(2);
    const send = (n: number) => as(api().put(`${base}/${session.id}?part_number=${n}`)).set('Content-Type', 'application/octet-stream').send(bytes.subarray((n - 1) * partSize, n * partSize)).expect(200);
    for (let n = 1; n < count; n++) await send(n);
    await stack.stopService('connectors', 'SIGKILL');
    stack.startService('connectors');
    await stack.waitHealthy();
    expect((await as(api().get(`${base}/${session.id}`)).expect(200)).body).toMatchObject({ id: session.id, part_size: partSize });
    await send(count);
    const file = (await as(api().post(`${base}/${session.id}/complete`)).expect(200)).body;
    expect(file).toMatchObject({ type: 'file', name: `session-${kind}.bin`, size });
    expect(sha(await download(account, file.id))).toBe(sha(bytes));
  });

  it('copies a folder tree from local disk into S3 as a task (sync and async), file by file, bytes identical; an existing name is a 409', async () => {
    const mkdir = async (account: number, parent: string, name: string) => (await as(api().post(`/v1/accounts/${account}/storage/folders`)).send({ parent_id: parent, name }).expect(201)).body.id as string;
    const put = async (account: number, parent: string, name: string, body: Buffer) =>
      (await as(api().post(`/v1/accounts/${account}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name, parent_id: parent })).set('Content-Type', 'application/octet-stream').send(body).expect(201)).body;
    const album = await mkdir(local, 'root', 'album');
    const sub = await mkdir(local, album, 'sub');
    const deeper = await mkdir(local, sub, 'deeper');
    await mkdir(local, album, 'empty');
    const files = { 'a.bin': randomBytes(MiB), 'sub/b.bin': randomBytes(2 * MiB + 3), 'sub/deeper/c.txt': Buffer.from('deep') };
    await put(local, album, 'a.bin', files['a.bin']);
    await put(local, sub, 'b.bin', files['sub/b.bin']);
    await put(local, deeper, 'c.txt', files['sub/deeper/c.txt']);

    /** path below the copied folder → sha256 of the bytes (or 'folder'), walking the destination through the API. */
    const tree = async (account: number, folderId: string, prefix = ''): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      const items = (await as(api().get(`/v1/accounts/${account}/storage/folders/${folderId}/contents`)).expect(200)).body.objects;
      for (const item of items) {
        const path = `${prefix}${item.name}`;
        if (item.type === 'folder') Object.assign(out, { [path]: 'folder' }, await tree(account, item.id, `${path}/`));
        else out[path] = sha(await download(account, item.id));
      }
      return out;
    };
    const expected = { 'a.bin': sha(files['a.bin']), empty: 'folder', sub: 'folder', 'sub/b.bin': sha(files['sub/b.bin']), 'sub/deeper': 'folder', 'sub/deeper/c.txt': sha(files['sub/deeper/c.txt']) };

    const sync = await as(api().post(`/v1/accounts/${local}/storage/folders/${album}/copy`)).send({ parent_id: 'root', account: bucket, name: 'album-sync' }).expect(201);
    expect(sync.body).toMatchObject({ type: 'folder', name: 'album-sync', account: bucket });
    expect(await tree(bucket, sync.body.id)).toEqual(expected);

    const taskId = (await as(api().post(`/v1/accounts/${local}/storage/folders/${album}/copy`)).set('X-Kloudless-Async', 'true').send({ parent_id: 'root', account: bucket, name: 'album-async' }).expect(202)).body.id;
    const { final } = await follow(local, taskId);
    expect(final).toMatchObject({ type: 'folder', name: 'album-async', account: bucket });
    expect(await tree(bucket, String(final!.id))).toEqual(expected);

    const clash = await as(api().post(`/v1/accounts/${local}/storage/folders/${album}/copy`)).send({ parent_id: 'root', account: bucket, name: 'album-sync' });
    expect(clash.status).toBe(409);
    expect(clash.body.error_code).toBe('naming_conflict');
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface StallingProxy {
  port: number;
  /** Part sizes held. */
  stalled: number[];
  close(): Promise<void>;
}

/**
 * A TCP proxy to the S3 server that stops forwarding a connection as soon as
 * it carries an UploadPart of `stallAbove` bytes or more: the part hangs, as
 * on a network that stalls, and nothing is refused.
 */
async function stallingProxy(targetPort: number, stallAbove: number): Promise<StallingProxy> {
  const stalled: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let holding = false;
    client.on('data', (chunk: Buffer) => {
      if (!holding) {
        const head = chunk.toString('latin1', 0, Math.min(chunk.length, 8192));
        if (/PUT \S*partNumber=\d+/.test(head)) {
          const length = /\r\n(?:x-amz-decoded-content-length|content-length):\s*(\d+)/i.exec(head);
          if (length && Number(length[1]) >= stallAbove) {
            holding = true;
            stalled.push(Number(length[1]));
          }
        }
      }
      if (holding) return;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    stalled,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

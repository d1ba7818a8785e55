import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import * as s3Server from '../../apps/connectors/test/servers/s3';
import * as sftpServer from '../../apps/connectors/test/servers/sftp';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(180_000);

/**
 * The same API over real protocol servers: accounts are checked against the
 * service before they are stored, and bytes flow through the gateway to S3 and
 * SFTP unchanged.
 */
describe('storage API over real servers', () => {
  let stack: TestStack;
  let key: string;
  const servers: { stop(): Promise<void> }[] = [];
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test) => req.set('Authorization', `APIKey ${key}`);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  beforeAll(async () => {
    // s3rver and sshd listen on loopback, which the outbound address policy refuses unless allowed
    stack = await startTestStack(18380, { gateway: { RATE_LIMIT_PER_SECOND: '1000' }, connectors: { MULTIPART_PART_SIZE: '5242880', OUTBOUND_ALLOW_NETWORKS: 'loopback' } });
    key = (await createApp(stack, 'servers')).apiKey;
  });

  afterAll(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await stack?.stop();
  });

  const cases: [string, () => Promise<{ config: object; badConfig: object; stop(): Promise<void> }>, string][] = [
    ['s3_compatible', s3Server.start, 's3_compatible'],
    ['sftp', sftpServer.start, 'sftp'],
  ];

  describe.each(cases)('%s', (_name, startServer, service) => {
    let server: { config: object; badConfig: object; stop(): Promise<void> };
    let account: number;

    beforeAll(async () => {
      server = await startServer();
      servers.push(server);
    });

    it('refuses bad credentials with 401 service_unauthorized and stores nothing', async () => {
      const before = await as(api().get('/v1/accounts')).expect(200);
      const res = await as(api().post('/v1/accounts')).send({ service, config: server.badConfig }).expect(401);
      expect(res.body).toMatchObject({ error_code: 'service_unauthorized', status_code: 401 });
      const after = await as(api().get('/v1/accounts')).expect(200);
      expect(after.body.total).toBe(before.body.total);
    });

    it('connects with good credentials and never echoes them', async () => {
      const res = await as(api().post('/v1/accounts')).send({ service, config: server.config }).expect(201);
      expect(res.body.service).toBe(service);
      expect(JSON.stringify(res.body)).not.toMatch(/S3RVER|password|secret/i);
      account = res.body.id;
    });

    it('uploads, lists, downloads with Range, and deletes through the gateway', async () => {
      const bytes = randomBytes(700_000);
      const base = `/v1/accounts/${account}/storage`;
      const folder = await as(api().post(`${base}/folders`)).send({ name: 'dossier été', parent_id: 'root' }).expect(201);
      const up = await as(api().post(`${base}/files`))
        .set('X-Kloudless-Metadata', JSON.stringify({ name: 'données 1.bin', parent_id: folder.body.id }))
        .set('Content-Type', 'application/octet-stream')
        .send(bytes)
        .expect(201);
      expect(up.body).toMatchObject({ name: 'données 1.bin', size: bytes.length, parent: { id: folder.body.id } });
      const list = await as(api().get(`${base}/folders/${folder.body.id}/contents`)).expect(200);
      expect(list.body.objects.map((o: { name: string }) => o.name)).toEqual(['données 1.bin']);
      const down = await bytesOf(as(api().get(`${base}/files/${up.body.id}/contents`))).expect(200);
      expect(sha(down.body)).toBe(sha(bytes));
      const range = await bytesOf(as(api().get(`${base}/files/${up.body.id}/contents`)).set('Range', 'bytes=1000-1999')).expect(206);
      expect(sha(range.body)).toBe(sha(bytes.subarray(1000, 2000)));
      await as(api().delete(`${base}/folders/${folder.body.id}?recursive=true`)).expect(204);
      await as(api().get(`${base}/files/${up.body.id}`)).expect(404);
    });

    it('takes a multipart upload in parts sent out of order', async () => {
      const base = `/v1/accounts/${account}/storage`;
      const size = 11 * 1024 * 1024;
      const bytes = randomBytes(size);
      const session = await as(api().post(`${base}/multipart`)).send({ parent_id: 'root', name: 'large.bin', size }).expect(201);
      const partSize = session.body.part_size;
      const parts = Math.ceil(size / partSize);
      for (const n of Array.from({ length: parts }, (_, i) => parts - i)) {
        await as(api().put(`${base}/multipart/${session.body.id}?part_number=${n}`)).send(bytes.subarray((n - 1) * partSize, n * partSize)).expect(200);
      }
      const file = await as(api().post(`${base}/multipart/${session.body.id}/complete`)).expect(200);
      expect(file.body).toMatchObject({ name: 'large.bin', size });
      const down = await bytesOf(as(api().get(`${base}/files/${file.body.id}/contents`))).expect(200);
      expect(sha(down.body)).toBe(sha(bytes));
    });
  });
});

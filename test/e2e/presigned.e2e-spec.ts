import { randomBytes } from 'node:crypto';
import request from 'supertest';
import * as s3Server from '../../apps/connectors/test/servers/s3';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(60_000);

/**
 * Issue 9 item 9: the presigned-upload API of seed 001 — URL, PUT, register,
 * list/get/delete — against a local upload location (a signed gateway URL
 * streams the bytes) and an S3 one (S3's own presigned PUT and GET), with
 * every error code of the seed's table.
 */
describe('presigned uploads (e2e)', () => {
  let stack: TestStack;
  let s3: Awaited<ReturnType<typeof s3Server.start>>;
  let key: string;
  let s3Key: string;
  let account: number;
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test, apiKey = key) => req.set('Authorization', `APIKey ${apiKey}`);
  const presign = (body: object, apiKey = key) => as(api().post('/v1/files/presigned-url'), apiKey).send(body);
  /** PUT to a URL the API handed out, with nothing but the URL (as a browser would). */
  const put = (url: string, body: Buffer, type: string) => fetch(url, { method: 'PUT', body, headers: { 'Content-Type': type } });

  beforeAll(async () => {
    s3 = await s3Server.start();
    stack = await startTestStack(20280, {
      gateway: { PRESIGNED_MAX_BYTES: String(8 * 1024 * 1024), PRESIGNED_ALLOWED_TYPES: 'image/*, text/plain, application/octet-stream', RATE_LIMIT_APP_PER_SECOND: '1000' },
      connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback' },
    });
    key = (await createApp(stack, 'presigned')).apiKey;
    s3Key = (await createApp(stack, 'presigned on s3')).apiKey;
    account = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'uploads' } }).expect(201)).body.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
  });

  it('answers file/bucket-not-configured while the app has no default upload location', async () => {
    const res = await presign({ filename: 'a.txt', contentType: 'text/plain', size: 3 });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error_code: 'file/bucket-not-configured', status_code: 500 });
    await as(api().post('/v1/upload_locations')).send({ account_id: account, folder_id: 'root' }).expect(201);
  });

  it('runs the three steps through a signed gateway URL: presign, PUT, register; then get with a download URL, list, delete', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 1);
    const issued = await presign({ filename: 'holiday photo.jpg', contentType: 'image/jpeg', size: bytes.length, tags: { album: 'summer', owner: 'u-17' } }).expect(201);
    expect(issued.body).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/jpeg' }, key: expect.stringMatching(/-holiday photo\.jpg$/) });
    expect(new URL(issued.body.url).origin).toBe(stack.gatewayUrl);
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((await as(api().get(`/v1/files/${issued.body.id}`)).expect(200)).body).toMatchObject({ status: 'Started', downloadUrl: null });

    const stored = await put(issued.body.url, bytes, 'image/jpeg');
    expect(stored.status).toBe(201);
    const inTransit = (await as(api().get(`/v1/files/${issued.body.id}`)).expect(200)).body;
    expect(inTransit.status).toBe('In Transit');

    const registered = await as(api().post('/v1/files')).send({ key: issued.body.key }).expect(201);
    expect(registered.body).toMatchObject({ id: issued.body.id, status: 'Complete', filename: 'holiday photo.jpg', size: bytes.length, contentType: 'image/jpeg', tags: { album: 'summer', owner: 'u-17' }, accountId: account });
    const again = await as(api().post('/v1/files')).send({ key: issued.body.key });
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe('file/s3-key-already-exists');

    const file = (await as(api().get(`/v1/files/${issued.body.id}`)).expect(200)).body;
    const viaUrl = Buffer.from(await (await fetch(file.downloadUrl)).arrayBuffer());
    expect(viaUrl.equals(bytes)).toBe(true);
    // the file is an ordinary file of the location's account too
    const stat = (await as(api().get(`/v1/accounts/${account}/storage/files/${file.fileId}`)).expect(200)).body;
    expect(stat).toMatchObject({ name: issued.body.key, size: bytes.length });

    const listed = (await as(api().get('/v1/files')).expect(200)).body;
    expect(listed.objects.map((f: { id: string }) => f.id)).toContain(issued.body.id);
    await as(api().delete(`/v1/files/${issued.body.id}`)).expect(204);
    await as(api().get(`/v1/files/${issued.body.id}`)).expect(404);
    await as(api().get(`/v1/accounts/${account}/storage/files/${file.fileId}`)).expect(404);
    expect((await fetch(file.downloadUrl)).status).toBe(403);
  });

  it('holds the PUT and the registration to what was announced', async () => {
    const issued = (await presign({ filename: 'notes.txt', contentType: 'text/plain', size: 10 }).expect(201)).body;
    const early = await as(api().post('/v1/files')).send({ key: issued.key });
    expect(early.status).toBe(400);
    const tooBig = await put(issued.url, Buffer.alloc(11, 1), 'text/plain');
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as { error_code: string }).error_code).toBe('file/file-too-large');
    const wrongType = await put(issued.url, Buffer.alloc(10, 1), 'image/png');
    expect(((await wrongType.json()) as { error_code: string }).error_code).toBe('file/invalid-format');
    const [payload, mac] = new URL(issued.url).pathname.split('/').pop()!.split('.');
    const forged = await put(issued.url.replace(`${payload}.${mac}`, `${payload}.${mac.slice(1)}A`), Buffer.alloc(10, 1), 'text/plain');
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error_code: string }).error_code).toBe('file/access-denied');
    expect((await put(issued.url, Buffer.alloc(10, 1), 'text/plain')).status).toBe(201);
    await as(api().post('/v1/files')).send({ key: issued.key }).expect(201);
    const reused = await put(issued.url, Buffer.alloc(10, 2), 'text/plain');
    expect(((await reused.json()) as { error_code: string }).error_code).toBe('file/access-denied');
  });

  it("answers the seed's error codes for bad requests and missing credentials", async () => {
    const codeOf = async (res: request.Response | Promise<request.Response>) => {
      const r = await res;
      return [r.status, r.body.error_code];
    };
    expect(await codeOf(presign({ filename: '../etc/passwd', contentType: 'text/plain', size: 3 }))).toEqual([400, 'file/invalid-name']);
    expect(await codeOf(presign({ filename: 'big.bin', contentType: 'application/octet-stream', size: 8 * 1024 * 1024 + 1 }))).toEqual([400, 'file/file-too-large']);
    expect(await codeOf(presign({ filename: 'page.html', contentType: 'text/html', size: 3 }))).toEqual([400, 'file/invalid-format']);
    expect(await codeOf(presign({ filename: 'a.txt', contentType: 'text/plain', size: 3, tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }))).toEqual([400, 'invalid_parameters']);
    expect(await codeOf(api().post('/v1/files/presigned-url').send({ filename: 'a.txt', contentType: 'text/plain', size: 3 }))).toEqual([401, 'common/authentication-required']);
    expect(await codeOf(api().get('/v1/files').set('Authorization', 'APIKey not-a-key'))).toEqual([401, 'common/authentication-required']);
    // another app sees none of this app's files
    const mine = (await as(api().get('/v1/files')).expect(200)).body.objects[0];
    await as(api().get(`/v1/files/${mine.id}`), s3Key).expect(404);
  });

  it('hands out S3 presigned URLs when the location is a bucket: the bytes go straight to S3', async () => {
    const bucket = (await as(api().post('/v1/accounts'), s3Key).send({ service: 's3_compatible', config: { ...s3.config, prefix: 'presigned/' } }).expect(201)).body.id;
    await as(api().post('/v1/upload_locations'), s3Key).send({ account_id: bucket }).expect(201);
    const bytes = randomBytes(1024 * 1024 + 7);
    const issued = (await presign({ filename: 'scan.png', contentType: 'image/png', size: bytes.length }, s3Key).expect(201)).body;
    expect(new URL(issued.url).origin).toBe(new URL(s3.config.endpoint!).origin);
    expect((await put(issued.url, bytes, 'image/png')).status).toBe(200);
    const registered = (await as(api().post('/v1/files'), s3Key).send({ key: issued.key }).expect(201)).body;
    expect(registered).toMatchObject({ status: 'Complete', size: bytes.length, accountId: bucket });
    const file = (await as(api().get(`/v1/files/${issued.id}`), s3Key).expect(200)).body;
    expect(new URL(file.downloadUrl).origin).toBe(new URL(s3.config.endpoint!).origin);
    expect(Buffer.from(await (await fetch(file.downloadUrl)).arrayBuffer()).equals(bytes)).toBe(true);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startGdriveFake, type GdriveFake } from '../../apps/connectors/test/fakes/gdrive-fake';
import * as s3Server from '../../apps/connectors/test/servers/s3';
import { followRedirects, providerAccepts, providerEntry, startOAuthProvider, type TestOAuthProvider } from '../servers/oauth-provider';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(120_000);

const BASE_PORT = 22580;
const CALLBACK = `http://127.0.0.1:${BASE_PORT}/v1/oauth/callback`;
const APP_REDIRECT = 'http://127.0.0.1:1/app/raw-done';

/**
 * POST /v1/accounts/{id}/raw: a request of the client's own on the account's
 * service with the account's credentials, the answer back as the service gave
 * it; never anywhere else.
 */
describe('raw pass-through', () => {
  let stack: TestStack;
  let s3: Awaited<ReturnType<typeof s3Server.start>>;
  let provider: TestOAuthProvider;
  let drive: GdriveFake;
  /** A server on an allowed (loopback) address that must never be reached through the pass-through. */
  let trap: http.Server;
  let trapHits = 0;
  let trapUrl: string;
  const refused = new Set<string>();
  const seen: string[] = [];
  let app: { id: string; apiKey: string };
  let s3Account: number;
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test) => req.set('Authorization', `APIKey ${app.apiKey}`);
  const raw = (account: number | string, method: string, uri: string, path = '') =>
    as(api().post(`/v1/accounts/${account}/raw${path}`)).set('X-Kloudless-Raw-Method', method).set('X-Kloudless-Raw-URI', uri);

  beforeAll(async () => {
    s3 = await s3Server.start();
    trap = http.createServer((_req, res) => {
      trapHits++;
      res.end('reached');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    provider = await startOAuthProvider({ redirectUri: CALLBACK });
    drive = await startGdriveFake({
      checkToken: async (token) => {
        if (token) seen.push(token);
        return token !== undefined && !refused.has(token) && providerAccepts(provider, token);
      },
    });
    stack = await startTestStack(BASE_PORT, {
      auth: { OAUTH_PROVIDERS_JSON: JSON.stringify({ gdrive: providerEntry(provider) }), OAUTH_CALLBACK_URL: CALLBACK },
      gateway: { RATE_LIMIT_PER_SECOND: '1000' },
      // s3rver, the Drive fake and the trap listen on loopback, which the address policy refuses unless allowed.
      connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback', OAUTH_API_URLS_JSON: JSON.stringify({ gdrive: drive.config }) },
    });
    app = await createApp(stack, 'raw app');
    await api().put(`/v1/admin/apps/${app.id}/redirect_uris`).set('Authorization', `Bearer ${stack.adminToken}`).send({ redirect_uris: [APP_REDIRECT] }).expect(200);
    // Raw requests address the whole bucket, so they need an account rooted at the bucket itself (no prefix).
    s3Account = (await as(api().post('/v1/accounts')).send({ service: 's3_compatible', config: { ...s3.config, prefix: '' } }).expect(201)).body.id;
  });

  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
    await drive?.stop();
    await provider?.stop();
    trap?.close();
  });

  describe('on S3 (s3rver)', () => {
    const bucket = () => s3.config.bucket;

    it('lists the account\'s bucket: S3\'s own XML, status and headers', async () => {
      const up = await as(api().post(`/v1/accounts/${s3Account}/storage/files`))
        .set('X-Kloudless-Metadata', JSON.stringify({ name: 'hello.txt', parent_id: 'root' })).send(Buffer.from('hello raw')).expect(201);
      const res = await raw(s3Account, 'GET', '/?list-type=2').expect(200);
      expect(res.headers['content-type']).toMatch(/xml/);
      const xml = res.text;
      expect(xml).toContain('<ListBucketResult');
      expect(xml).toContain(`<Name>${bucket()}</Name>`);
      expect(xml).toContain('<Key>hello.txt</Key>');
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(res.headers['x-raw-upstream']).toBeUndefined();
      expect(JSON.stringify(res.headers)).not.toMatch(/S3RVER|AWS4-HMAC/);
      // X-Kloudless-Raw-Data keeps working on the storage routes.
      const meta = await as(api().get(`/v1/accounts/${s3Account}/storage/files/${up.body.id}`)).set('X-Kloudless-Raw-Data', 'true').expect(200);
      expect(meta.body.raw_id).toBeDefined();
      expect(meta.body.raw).toEqual(expect.any(Object));
    });

    it('streams a body up and bytes down, signed with the account\'s keys', async () => {
      const body = Buffer.alloc(256 * 1024, 7);
      await raw(s3Account, 'PUT', '/raw-put.bin').set('Content-Type', 'application/octet-stream').send(body).expect(200);
      const back = await bytesOf(raw(s3Account, 'GET', `/raw-put.bin`)).expect(200);
      expect(Buffer.compare(back.body as Buffer, body)).toBe(0);
      // The object is the account's: the storage API sees it.
      const list = await as(api().get(`/v1/accounts/${s3Account}/storage/folders/root/contents`)).expect(200);
      expect(list.body.objects.map((o: { name: string }) => o.name)).toContain('raw-put.bin');
    });

    it('forwards X-Kloudless-Raw-Headers and raw[...] query parameters (S3 declares rawPassthrough)', async () => {
      const ranged = await bytesOf(raw(s3Account, 'GET', '/hello.txt').set('X-Kloudless-Raw-Headers', JSON.stringify({ Range: 'bytes=0-4' }))).expect(206);
      expect((ranged.body as Buffer).toString()).toBe('hello');
      const listed = await raw(s3Account, 'GET', '/?list-type=2', `?raw[prefix]=${encodeURIComponent('raw-')}`).expect(200);
      expect(listed.text).toContain('<Key>raw-put.bin</Key>');
      expect(listed.text).not.toContain('hello.txt');
    });

    it('passes an upstream error on as S3 gave it, not in our error format', async () => {
      const res = await raw(s3Account, 'GET', '/missing.txt').expect(404);
      expect(res.text).toContain('<Code>NoSuchKey</Code>');
      expect(res.headers['content-type']).toMatch(/xml/);
    });

    it('refuses raw requests on an account rooted at a prefix of its bucket: they could name keys outside it', async () => {
      const prefixed = (await as(api().post('/v1/accounts')).send({ service: 's3_compatible', config: s3.config }).expect(201)).body.id;
      const res = await raw(prefixed, 'GET', '/?list-type=2').expect(403);
      expect(res.body).toMatchObject({ error_code: 'forbidden' });
      expect(res.body.message).toMatch(/prefix/);
    });

    it('refuses, with 400 and before any connection, URIs that leave the account\'s bucket or host', async () => {
      const port = new URL(s3.config.endpoint!).port;
      const uris = [
        'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
        `${trapUrl}/`,
        `//127.0.0.1:${new URL(trapUrl).port}/`,
        `http://127.0.0.1:${port}@127.0.0.1:${new URL(trapUrl).port}/`,
        `http://127.0.0.1:${port}/other-bucket/?list-type=2`,
        '/../other-bucket/?list-type=2',
        '/%2e%2e/other-bucket/',
        '/..%2fother-bucket/',
        `http://127.0.0.1:${port}/${bucket()}-2/`,
      ];
      for (const uri of uris) {
        const res = await raw(s3Account, 'GET', uri);
        expect([uri, res.status, res.body.error_code]).toEqual([uri, 400, 'invalid_parameters']);
      }
      // Nor may a server-side copy read another bucket.
      const copy = await raw(s3Account, 'PUT', '/copied.txt').set('X-Kloudless-Raw-Headers', JSON.stringify({ 'x-amz-copy-source': '/other-bucket/secret.txt' }));
      expect([copy.status, copy.body.error_code]).toEqual([400, 'invalid_parameters']);
      expect(trapHits).toBe(0);
    });

    it('refuses a missing header or a method that is not an API request', async () => {
      const noUri = await as(api().post(`/v1/accounts/${s3Account}/raw`)).set('X-Kloudless-Raw-Method', 'GET').expect(400);
      expect(noUri.body.message).toContain('X-Kloudless-Raw-URI');
      const noMethod = await as(api().post(`/v1/accounts/${s3Account}/raw`)).set('X-Kloudless-Raw-URI', '/').expect(400);
      expect(noMethod.body.message).toContain('X-Kloudless-Raw-Method');
      expect((await raw(s3Account, 'CONNECT', '/').expect(400)).body.error_code).toBe('invalid_parameters');
      expect((await raw(s3Account, 'GET', '/').set('X-Kloudless-Raw-Headers', '["a"]').expect(400)).body.message).toContain('X-Kloudless-Raw-Headers');
      await as(api().post('/v1/accounts/99999/raw')).set('X-Kloudless-Raw-Method', 'GET').set('X-Kloudless-Raw-URI', '/').expect(404);
    });
  });

  it('serves the OpenAPI document and a self-contained docs page without credentials', async () => {
    const doc = await api().get('/v1/openapi.json').expect(200);
    expect(doc.headers['content-type']).toBe('application/json');
    expect(doc.body.openapi).toBe('3.1.0');
    // Built from every controller the running gateway registered, the ops ones included.
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready', '/metrics', '/v1/accounts/{accountId}/storage/folders/{folderId}/contents', '/v1/openapi.json', '/docs']));
    expect(doc.body.paths['/v1/accounts/{accountId}/raw'].post.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['X-Kloudless-Raw-URI', 'X-Kloudless-Raw-Method']));
    const page = await api().get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('/v1/accounts/{accountId}/storage/files/{fileId}/contents');
    // Nothing to fetch from elsewhere: no script, no external stylesheet or font.
    expect(page.text).not.toMatch(/<script|<link|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('answers 501 for a service without an HTTP API (local disk)', async () => {
    const local = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'raw-local' } }).expect(201)).body.id;
    const res = await raw(local, 'GET', '/').expect(501);
    expect(res.body).toMatchObject({ error_code: 'not_implemented', status_code: 501 });
  });

  describe('on Google Drive (the fake) with a Bearer token', () => {
    let bearer: string;

    beforeAll(async () => {
      const back = await followRedirects(
        `${stack.gatewayUrl}/v1/oauth?${new URLSearchParams({ client_id: app.id, response_type: 'code', redirect_uri: APP_REDIRECT, scope: 'gdrive:normal.storage', state: 's' })}`,
        APP_REDIRECT,
      );
      const token = await api().post('/v1/oauth/token').type('form')
        .send({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP_REDIRECT, client_id: app.id, client_secret: app.apiKey }).expect(200);
      bearer = `Bearer ${token.body.access_token}`;
      drive.seed({ name: 'seeded.txt', content: 'from drive' });
    });

    const rawMe = (method: string, uri: string) =>
      api().post('/v1/accounts/me/raw').set('Authorization', bearer).set('X-Kloudless-Raw-Method', method).set('X-Kloudless-Raw-URI', uri);

    it('calls the Drive API on /accounts/me with the account\'s token and returns Drive\'s JSON', async () => {
      const res = await rawMe('GET', '/drive/v3/files?fields=files(id,name)').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.files.map((f: { name: string }) => f.name)).toContain('seeded.txt');
      // A Drive error is Drive's own body.
      const missing = await rawMe('GET', '/drive/v3/files/nope').expect(404);
      expect(missing.body.error).toMatchObject({ code: 404 });
    });

    it('refreshes a refused token once and sends the request again', async () => {
      await rawMe('GET', '/drive/v3/files').expect(200);
      const used = seen[seen.length - 1];
      refused.add(used);
      const res = await rawMe('GET', '/drive/v3/files?fields=files(name)').expect(200);
      expect(res.body.files.map((f: { name: string }) => f.name)).toContain('seeded.txt');
      expect(seen[seen.length - 1]).not.toBe(used);
    });

    it('refuses other hosts, the metadata address and userinfo tricks', async () => {
      const host = new URL(drive.config.apiUrl).host;
      for (const uri of ['http://169.254.169.254/computeMetadata/v1/', `${trapUrl}/drive/v3/files`, `//127.0.0.1:${new URL(trapUrl).port}/`, `http://${host}@127.0.0.1:${new URL(trapUrl).port}/`]) {
        const res = await rawMe('GET', uri);
        expect([uri, res.status, res.body.error_code]).toEqual([uri, 400, 'invalid_parameters']);
      }
      expect(trapHits).toBe(0);
    });
  });
});

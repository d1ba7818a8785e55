import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(120_000);

describe('foundation: gateway → Kafka → services', () => {
  let stack: TestStack;
  let appA: { id: string; apiKey: string };
  let appB: { id: string; apiKey: string };
  const api = () => request(stack.gatewayUrl);
  const asA = (req: request.Test) => req.set('Authorization', `APIKey ${appA.apiKey}`);

  beforeAll(async () => {
    // A short RPC timeout so the "service down" case answers quickly.
    stack = await startTestStack(18080, { gateway: { KAFKA_REQUEST_TIMEOUT_MS: '3000', JSON_BODY_LIMIT: '2048' } });
    appA = await createApp(stack, 'app A');
    appB = await createApp(stack, 'app B');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('apps', () => {
    it('creates an app and shows its API key once', async () => {
      const res = await api().post('/v1/admin/apps').set('Authorization', `Bearer ${stack.adminToken}`).send({ name: 'shop' }).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ id: expect.any(String), name: 'shop', api_key: expect.any(String) }));
      expect(res.body.api_key.length).toBeGreaterThanOrEqual(32);
    });

    it('refuses app creation without the admin token', async () => {
      const res = await api().post('/v1/admin/apps').send({ name: 'x' }).expect(401);
      expect(res.body.error_code).toBe('authentication_required');
      await api().post('/v1/admin/apps').set('Authorization', 'Bearer wrong-token-wrong-token').send({ name: 'x' }).expect(401);
      await api().post('/v1/admin/apps').set('Authorization', `APIKey ${appA.apiKey}`).send({ name: 'x' }).expect(401);
    });

    it('names the bad field of an invalid body', async () => {
      const res = await api().post('/v1/admin/apps').set('Authorization', `Bearer ${stack.adminToken}`).send({ name: 42 }).expect(400);
      expect(res.body).toMatchObject({ error_code: 'invalid_parameters', status_code: 400 });
      expect(res.body.message).toContain('name');
    });
  });

  describe('accounts', () => {
    let accountId: number;

    it('creates a local account with an integer id, config never echoed', async () => {
      // each app's local accounts live below LOCAL_STORAGE_ROOT/apps/<app id>/
      mkdirSync(join(stack.localRoot, 'apps', appA.id, 'alice', 'docs'), { recursive: true });
      writeFileSync(join(stack.localRoot, 'apps', appA.id, 'alice', 'hello.txt'), 'hello');
      const res = await asA(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'alice' } }).expect(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual(
        expect.objectContaining({ id: expect.any(Number), account: expect.any(String), service: 'local', active: true, type: 'account' }),
      );
      expect(Number.isInteger(res.body.id)).toBe(true);
      expect(typeof res.body.created).toBe('string');
      expect(typeof res.body.modified).toBe('string');
      expect(JSON.stringify(res.body)).not.toContain('config');
      accountId = res.body.id;
    });

    it('refuses a path escaping LOCAL_STORAGE_ROOT and stores nothing', async () => {
      const before = await asA(api().get('/v1/accounts')).expect(200);
      for (const path of ['../outside', '/etc', 'a/../../b']) {
        const res = await asA(api().post('/v1/accounts')).send({ service: 'local', config: { path } }).expect(400);
        expect(res.body.error_code).toBe('invalid_parameters');
      }
      const after = await asA(api().get('/v1/accounts')).expect(200);
      expect(after.body.total).toBe(before.body.total);
    });

    it('gets the account', async () => {
      const res = await asA(api().get(`/v1/accounts/${accountId}`)).expect(200);
      expect(res.body).toMatchObject({ id: accountId, service: 'local', type: 'account' });
    });

    it('lists accounts in pages', async () => {
      await asA(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'bob' } }).expect(201);
      const first = await asA(api().get('/v1/accounts?page_size=1')).expect(200);
      expect(first.body).toMatchObject({ type: 'object_list', count: 1, page: 1, next_page: 2 });
      expect(first.body.objects[0].id).toBe(accountId);
      const second = await asA(api().get('/v1/accounts?page_size=1&page=2')).expect(200);
      expect(second.body).toMatchObject({ count: 1, page: 2, next_page: null });
      const past = await asA(api().get('/v1/accounts?page_size=1&page=3')).expect(404);
      expect(past.body.error_code).toBe('not_found');
      const bad = await asA(api().get('/v1/accounts?page_size=5000')).expect(400);
      expect(bad.body.message).toContain('page_size');
    });

    it('lists the root folder from disk, across Kafka', async () => {
      const res = await asA(api().get(`/v1/accounts/${accountId}/storage/folders/root/contents`)).expect(200);
      expect(res.body).toMatchObject({ type: 'object_list', api: 'storage', count: 2, page: 1, next_page: null });
      const byName = Object.fromEntries(res.body.objects.map((o: { name: string }) => [o.name, o]));
      expect(byName['hello.txt']).toMatchObject({ api: 'storage', type: 'file', size: 5, account: accountId, parent: { id: 'root' } });
      expect(byName.docs).toMatchObject({ api: 'storage', type: 'folder', account: accountId });
      for (const o of res.body.objects) {
        expect(o.id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(typeof o.created).toBe('string');
        expect(typeof o.modified).toBe('string');
      }
    });

    it('keeps one app out of another app\'s accounts', async () => {
      const asB = (req: request.Test) => req.set('Authorization', `APIKey ${appB.apiKey}`);
      await asB(api().get(`/v1/accounts/${accountId}`)).expect(404);
      await asB(api().get(`/v1/accounts/${accountId}/storage/folders/root/contents`)).expect(404);
      await asB(api().delete(`/v1/accounts/${accountId}`)).expect(404);
      const list = await asB(api().get('/v1/accounts')).expect(200);
      expect(list.body.objects).toEqual([]);
      await asA(api().get(`/v1/accounts/${accountId}`)).expect(200);
    });

    it('deletes the account; then it is gone', async () => {
      await asA(api().delete(`/v1/accounts/${accountId}`)).expect(204);
      const res = await asA(api().get(`/v1/accounts/${accountId}`)).expect(404);
      expect(res.body.error_code).toBe('not_found');
      // Connectors drop the account's live connection when the account.deleted event reaches them.
      let status = 0;
      for (let i = 0; i < 50 && status !== 404; i++) {
        status = (await asA(api().get(`/v1/accounts/${accountId}/storage/folders/root/contents`))).status;
        if (status !== 404) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(404);
    });
  });

  describe('error format and wire details', () => {
    it('401 without or with a bad API key', async () => {
      const none = await api().get('/v1/accounts').expect(401);
      expect(none.body).toMatchObject({ error_code: 'authentication_required', status_code: 401, id: none.headers['x-request-id'] });
      const bad = await api().get('/v1/accounts').set('Authorization', 'APIKey not-a-key').expect(401);
      expect(bad.body.error_code).toBe('unauthorized');
    });

    it('404 not_found for an unknown route, with the request id', async () => {
      const res = await asA(api().get('/v1/nothing/here')).expect(404);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toEqual({ error_code: 'not_found', status_code: 404, message: expect.any(String), id: res.headers['x-request-id'] });
    });

    it('413 entity_too_large for a body over the limit', async () => {
      const res = await asA(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'x'.repeat(5000) } }).expect(413);
      expect(res.body).toMatchObject({ error_code: 'entity_too_large', status_code: 413 });
    });

    it('400 for malformed JSON', async () => {
      const res = await asA(api().post('/v1/accounts')).set('Content-Type', 'application/json').send('{"service":').expect(400);
      expect(res.body.status_code).toBe(400);
    });

    it('400 for a non-numeric account id', async () => {
      const res = await asA(api().get('/v1/accounts/abc')).expect(400);
      expect(res.body.error_code).toBe('invalid_parameters');
    });

    it('matches the auth scheme case-insensitively (APIKey, ApiKey, apikey)', async () => {
      for (const scheme of ['APIKey', 'ApiKey', 'apikey']) {
        await api().get('/v1/accounts').set('Authorization', `${scheme} ${appA.apiKey}`).expect(200);
      }
    });

    it('serves paths with and without a trailing slash', async () => {
      await asA(api().get('/v1/accounts/')).expect(200);
      const created = await asA(api().post('/v1/accounts/')).send({ service: 'local', config: { path: 'carol' } }).expect(201);
      await asA(api().get(`/v1/accounts/${created.body.id}/`)).expect(200);
      await asA(api().get(`/v1/accounts/${created.body.id}/storage/folders/root/contents/`)).expect(200);
    });

    it('ignores a JSON body on GET and DELETE, and unknown body keys', async () => {
      const created = await asA(api().post('/v1/accounts'))
        .send({ service: 'local', config: { path: 'dave' }, account_id: 'x', queryParams: {}, surprise: true })
        .expect(201);
      await asA(api().get('/v1/accounts')).set('Content-Type', 'application/json').send({ account_id: created.body.id, page: 'junk' }).expect(200);
      await asA(api().delete(`/v1/accounts/${created.body.id}`)).set('Content-Type', 'application/json').send({ account_id: created.body.id }).expect(204);
    });

    it('answers JSON with Content-Type exactly application/json', async () => {
      const res = await asA(api().get('/v1/accounts')).expect(200);
      expect(res.headers['content-type']).toBe('application/json');
    });
  });

  describe('rate limit', () => {
    it('answers 429 too_many_requests with Retry-After past 10 requests/s on one account, then serves again', async () => {
      const created = await asA(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'busy' } }).expect(201);
      await new Promise((r) => setTimeout(r, 1100));
      const statuses = await Promise.all(
        Array.from({ length: 25 }, () => asA(api().get(`/v1/accounts/${created.body.id}/storage/folders/root/contents`)).then((r) => r)),
      );
      const limited = statuses.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(statuses.filter((r) => r.status === 200).length).toBeLessThanOrEqual(20);
      expect(limited[0].body).toMatchObject({ error_code: 'too_many_requests', status_code: 429 });
      expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // The budget refills the next second.
      await new Promise((r) => setTimeout(r, 2100));
      await asA(api().get(`/v1/accounts/${created.body.id}/storage/folders/root/contents`)).expect(200);
    });
  });

  describe('health', () => {
    it('is 200 when every service is up', async () => {
      const res = await api().get('/health').expect(200);
      expect(Object.keys(res.body.services).sort()).toEqual(['auth', 'connectors', 'gateway', 'transfer', 'webhooks']);
    });

    it('turns 503 naming a stopped service, answers 504 for its calls, and recovers when it is back', async () => {
      await stack.stopService('auth');
      const down = await api().get('/health').expect(503);
      expect(down.body.down).toEqual(['auth']);
      expect(down.body.message).toContain('auth');

      const call = await asA(api().get('/v1/accounts')).expect(504);
      expect(call.body).toMatchObject({ error_code: 'gateway_timeout', status_code: 504 });
      expect(call.body.message).toContain('auth');

      stack.startService('auth');
      await stack.waitHealthy(60_000);
      // Calls flow again without restarting the gateway.
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = (await asA(api().get('/v1/accounts'))).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 1000));
      }
      expect(status).toBe(200);
    });
  });
});

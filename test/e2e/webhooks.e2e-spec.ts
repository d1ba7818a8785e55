import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

/**
 * Webhooks end to end: the five services over the dev broker, a local
 * receiver on 127.0.0.1, events triggered through the public API. The retry
 * schedule is shortened through configuration: attempts at 0, 1 s and 2 s.
 */
jest.setTimeout(180_000);

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

const QUEUE = `webhooks-e2e-${randomBytes(4).toString('hex')}`;

describe('webhooks (e2e)', () => {
  let stack: TestStack;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** How the /crash route answers: `hang` holds the request open, `ok` answers 200. */
  let crashMode: 'hang' | 'ok' = 'hang';
  const hanging: http.ServerResponse[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const id = String(req.headers['webhook-id']);
        const seenBefore = received.filter((r) => r.path === path && r.headers['webhook-id'] === id).length;
        let status = 200;
        if (path.startsWith('/flaky')) status = seenBefore < 2 ? 500 : 200;
        if (path.startsWith('/down')) status = 503;
        if (path.startsWith('/gone')) status = 410;
        if (path.startsWith('/crash') && crashMode === 'hang') {
          received.push({ path, headers: req.headers, body, answered: 0 });
          hanging.push(res);
          return;
        }
        received.push({ path, headers: req.headers, body, answered: status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : `nope ${status}`);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    stack = await startTestStack(18180, {
      webhooks: {
        WEBHOOK_RETRY_SCHEDULE: '1s,2s',
        WEBHOOK_TIMEOUT: '5s',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback',
        WEBHOOK_DISABLE_AFTER_FAILURES: '2',
        WEBHOOK_QUEUE_NAME: QUEUE,
      },
    });
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    await stack?.stop();
  });

  const api = (key: string) => ({
    get: (path: string) => request(stack.gatewayUrl).get(path).set('Authorization', `APIKey ${key}`),
    post: (path: string, body?: object) => request(stack.gatewayUrl).post(path).set('Authorization', `APIKey ${key}`).send(body),
    patch: (path: string, body: object) => request(stack.gatewayUrl).patch(path).set('Authorization', `APIKey ${key}`).send(body),
    delete: (path: string) => request(stack.gatewayUrl).delete(path).set('Authorization', `APIKey ${key}`),
  });

  async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function connectLocalAccount(key: string, folder: string): Promise<number> {
    const res = await api(key).post('/v1/accounts', { service: 'local', config: { path: folder } }).expect(201);
    return res.body.id;
  }

  async function newWebhook(key: string, path: string, events: string[] = ['*']) {
    const res = await api(key).post('/v1/webhooks', { url: `${receiverUrl}${path}`, events }).expect(201);
    return res.body as { id: string; secret: string };
  }

  const at = (path: string) => received.filter((r) => r.path === path);

  it('manages endpoints and sends signed events that standardwebhooks verifies', async () => {
    const app = await createApp(stack, 'webhooks-crud');
    const a = api(app.apiKey);

    const created = await a.post('/v1/webhooks', { url: `${receiverUrl}/ok`, events: ['account.connected', 'account.deleted'], description: 'main' }).expect(201);
    expect(created.body).toMatchObject({ type: 'webhook', api: 'webhooks', active: true, status: 'active', events: ['account.connected', 'account.deleted'] });
    expect(created.body.secret).toMatch(/^whsec_/);
    const { id, secret } = created.body;

    const listed = await a.get('/v1/webhooks').expect(200);
    expect(listed.body).toMatchObject({ type: 'object_list', count: 1, next_page: null });
    expect(listed.body.objects[0].id).toBe(id);
    expect(listed.body.objects[0].secret).toBeUndefined();
    expect((await a.get(`/v1/webhooks/${id}`).expect(200)).body.secret).toBeUndefined();

    // Refused: bad scheme, a private address, an unknown event type; not found: another id.
    expect((await a.post('/v1/webhooks', { url: 'ftp://127.0.0.1/x', events: ['*'] }).expect(400)).body.error_code).toBe('invalid_parameters');
    const priv = await a.post('/v1/webhooks', { url: 'http://10.1.2.3/hook', events: ['*'] }).expect(400);
    expect(priv.body.message).toMatch(/private/);
    expect((await a.post('/v1/webhooks', { url: `${receiverUrl}/ok`, events: ['file.renamed'] }).expect(400)).body.message).toMatch(/unknown event type/);
    const missing = await a.get('/v1/webhooks/00000000-0000-4000-8000-000000000000').expect(404);
    expect(missing.body).toMatchObject({ error_code: 'not_found', status_code: 404 });
    // Another app cannot see it.
    const other = await createApp(stack, 'webhooks-other');
    await api(other.apiKey).get(`/v1/webhooks/${id}`).expect(404);

    const accountId = await connectLocalAccount(app.apiKey, 'crud-folder');
    const connected = await until('account.connected at /ok', () => at('/ok').find((r) => JSON.parse(r.body).data?.account?.id === accountId));
    const body = new Webhook(secret).verify(connected.body, connected.headers as Record<string, string>) as { type: string; timestamp: string; data: { account: { id: number } } };
    expect(body.type).toBe('account.connected');
    expect(new Date(body.timestamp).toString()).not.toBe('Invalid Date');
    expect(connected.headers['webhook-id']).toBeTruthy();

    await a.delete(`/v1/accounts/${accountId}`).expect(204);
    const deleted = await until('account.deleted at /ok', () => at('/ok').find((r) => JSON.parse(r.body).type === 'account.deleted'));
    expect((new Webhook(secret).verify(deleted.body, deleted.headers as Record<string, string>) as { data: { account: { id: number } } }).data.account.id).toBe(accountId);

    // Ping, then the log shows each delivery with its attempt.
    const ping = await a.post(`/v1/webhooks/${id}/test`).expect(202);
    expect(ping.body).toMatchObject({ type: 'delivery', event_type: 'ping' });
    const pinged = await until('ping at /ok', () => at('/ok').find((r) => r.headers['webhook-id'] === ping.body.message_id));
    expect(() => new Webhook(secret).verify(pinged.body, pinged.headers as Record<string, string>)).not.toThrow();
    const log = await until('three succeeded deliveries', async () => {
      const res = await a.get(`/v1/webhooks/${id}/deliveries`).expect(200);
      return res.body.objects.length === 3 && res.body.objects.every((d: { status: string }) => d.status === 'succeeded') && res.body;
    });
    expect(log.type).toBe('object_list');
    expect(log.objects[0].attempts[0]).toMatchObject({ attempt: 1, status_code: 200, response: 'thanks', success: true });
    expect(typeof log.objects[0].attempts[0].latency_ms).toBe('number');

    // Rotation: during the grace period both the old and the new secret verify.
    const rotated = await a.post(`/v1/webhooks/${id}/rotate-secret`, { grace_period_seconds: 3600 }).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    const ping2 = await a.post(`/v1/webhooks/${id}/test`).expect(202);
    const pinged2 = await until('second ping', () => at('/ok').find((r) => r.headers['webhook-id'] === ping2.body.message_id));
    expect(() => new Webhook(rotated.body.secret).verify(pinged2.body, pinged2.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(secret).verify(pinged2.body, pinged2.headers as Record<string, string>)).not.toThrow();

    const patched = await a.patch(`/v1/webhooks/${id}`, { events: ['*'], active: false }).expect(200);
    expect(patched.body).toMatchObject({ events: ['*'], active: false, status: 'inactive' });
    await a.delete(`/v1/webhooks/${id}`).expect(204);
    await a.get(`/v1/webhooks/${id}`).expect(404);
  });

  it('retries a failing receiver with the same webhook-id until it succeeds', async () => {
    const app = await createApp(stack, 'webhooks-flaky');
    const hook = await newWebhook(app.apiKey, '/flaky');
    await connectLocalAccount(app.apiKey, 'flaky-folder');
    const hits = await until('three attempts at /flaky', () => at('/flaky').length >= 3 && at('/flaky'));
    expect(hits.map((h) => h.answered)).toEqual([500, 500, 200]);
    expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
    for (const h of hits) expect(() => new Webhook(hook.secret).verify(h.body, h.headers as Record<string, string>)).not.toThrow();

    const delivery = await until('delivery succeeded', async () => {
      const res = await api(app.apiKey).get(`/v1/webhooks/${hook.id}/deliveries`).expect(200);
      return res.body.objects[0]?.status === 'succeeded' && res.body.objects[0];
    });
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 200]);
    expect(delivery.message_id).toBe(hits[0].headers['webhook-id']);
  });

  it('ends `failed` when the receiver is down for the whole schedule, keeps it listed, and disables after N failures in a row', async () => {
    const app = await createApp(stack, 'webhooks-down');
    const a = api(app.apiKey);
    const hook = await newWebhook(app.apiKey, '/down', ['account.connected']);
    await connectLocalAccount(app.apiKey, 'down-1');
    const failed = await until('a failed delivery', async () => {
      const res = await a.get(`/v1/webhooks/${hook.id}/deliveries?status=failed`).expect(200);
      return res.body.objects.length === 1 && res.body.objects[0];
    });
    expect(failed.attempt_count).toBe(3);
    expect(failed.attempts.map((x: { status_code: number }) => x.status_code)).toEqual([503, 503, 503]);
    expect(failed.attempts[0].response).toBe('nope 503');
    expect((await a.get(`/v1/webhooks/${hook.id}`).expect(200)).body).toMatchObject({ status: 'active', consecutive_failures: 1 });

    // A second failed delivery in a row reaches the configured limit (2): disabled, and the app sees why.
    await connectLocalAccount(app.apiKey, 'down-2');
    const disabled = await until('endpoint disabled', async () => {
      const res = await a.get(`/v1/webhooks/${hook.id}`).expect(200);
      return res.body.status === 'disabled' && res.body;
    });
    expect(disabled.active).toBe(false);
    expect(disabled.disabled_reason).toMatch(/2 deliveries in a row failed/);
    const all = await a.get(`/v1/webhooks/${hook.id}/deliveries`).expect(200);
    expect(all.body.objects.map((d: { status: string }) => d.status)).toEqual(['failed', 'failed']);

    // Re-enabled by the app, a manual retry makes one more attempt with the same webhook-id.
    await a.patch(`/v1/webhooks/${hook.id}`, { active: true }).expect(200);
    const before = at('/down').filter((r) => r.headers['webhook-id'] === failed.message_id).length;
    const retried = await a.post(`/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`).expect(202);
    expect(retried.body.status).toBe('pending');
    await until('the retried attempt', () => at('/down').filter((r) => r.headers['webhook-id'] === failed.message_id).length === before + 1);
    const after = await until('retry recorded', async () => {
      const res = await a.get(`/v1/webhooks/${hook.id}/deliveries?status=failed`).expect(200);
      const d = res.body.objects.find((x: { id: string }) => x.id === failed.id);
      return d?.attempt_count === 4 && d;
    });
    expect(after.attempts).toHaveLength(4);
    const conflict = await a.post(`/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/retry`).expect(404);
    expect(conflict.body.error_code).toBe('not_found');
  });

  it('disables an endpoint that answers 410 Gone', async () => {
    const app = await createApp(stack, 'webhooks-gone');
    const a = api(app.apiKey);
    const hook = await newWebhook(app.apiKey, '/gone');
    await connectLocalAccount(app.apiKey, 'gone-1');
    const disabled = await until('endpoint disabled by 410', async () => {
      const res = await a.get(`/v1/webhooks/${hook.id}`).expect(200);
      return res.body.status === 'disabled' && res.body;
    });
    expect(disabled.disabled_reason).toMatch(/410/);
    const log = await a.get(`/v1/webhooks/${hook.id}/deliveries`).expect(200);
    expect(log.body.objects[0]).toMatchObject({ status: 'failed', attempt_count: 1 });
    expect(at('/gone')).toHaveLength(1);
    // No more deliveries to a disabled endpoint.
    await connectLocalAccount(app.apiKey, 'gone-2');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await a.get(`/v1/webhooks/${hook.id}/deliveries`).expect(200)).body.count).toBe(1);
  });

  it('parks a malformed event on <topic>.dlq with the reason instead of dropping it', async () => {
    const kafka = new Kafka({ clientId: 'e2e-dlq', brokers: [stack.kafkaBrokers], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `e2e-dlq-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 50 });
    const producer = kafka.producer();
    const parked: { topic: string; reason: string; payload: { id: string } }[] = [];
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      await consumer.subscribe({ topic: 'file.uploaded.dlq', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void parked.push(JSON.parse(String(message.value))) });
      const id = `bad-${randomBytes(4).toString('hex')}`;
      // A file.uploaded event whose data lacks every required field.
      const bad = { id, type: 'file.uploaded', occurredAt: new Date().toISOString(), appId: 'app_x', data: { nonsense: true } };
      await producer.send({ topic: 'file.uploaded', messages: [{ key: 'x', value: JSON.stringify(bad) }] });
      const found = await until('the event parked on file.uploaded.dlq', () => parked.find((p) => p.payload?.id === id));
      expect(found.topic).toBe('file.uploaded');
      expect(found.reason).toMatch(/invalid file\.uploaded data/);
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    }
  });

  it('loses nothing when the webhooks service is killed mid-delivery and Redis loses its queue', async () => {
    const app = await createApp(stack, 'webhooks-crash');
    const a = api(app.apiKey);
    const hook = await newWebhook(app.apiKey, '/crash', ['account.connected']);
    const before = 8;
    for (let i = 0; i < before; i++) await connectLocalAccount(app.apiKey, `crash-${i}`);
    // Every delivery is in flight: the receiver holds the requests open.
    await until('deliveries in flight', () => at('/crash').length >= before);

    await stack.stopService('webhooks', 'SIGKILL');
    // Events published while the service is down wait in Kafka.
    const during = 4;
    for (let i = 0; i < during; i++) await connectLocalAccount(app.apiKey, `crash-down-${i}`);
    // Redis loses the queue: pending deliveries must come back from Postgres.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`bull:${QUEUE}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    for (const res of hanging.splice(0)) res.destroy();
    crashMode = 'ok';

    stack.startService('webhooks');
    await stack.waitHealthy();
    const total = before + during;
    const delivered = await until(
      'every event delivered after the restart',
      () => {
        const ok = new Set(at('/crash').filter((r) => r.answered === 200).map((r) => r.headers['webhook-id']));
        return ok.size >= total && ok;
      },
      120_000,
    );
    expect(delivered.size).toBe(total);
    const log = await until('all deliveries succeeded', async () => {
      const res = await a.get(`/v1/webhooks/${hook.id}/deliveries?page_size=100`).expect(200);
      return res.body.objects.every((d: { status: string }) => d.status === 'succeeded') && res.body;
    });
    expect(log.count).toBe(total);
    expect(new Set(log.objects.map((d: { message_id: string }) => d.message_id))).toEqual(delivered);
  });
});

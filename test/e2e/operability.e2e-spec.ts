import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { userEnv } = require('../../scripts/lib/config-catalog.js');

const BASE = 19380;

/** Prometheus text exposition: every sample line is `name{labels} value` (values as Go's ParseFloat reads them, NaN in any case). */
function parsePrometheus(text: string): Array<{ name: string; labels: string; value: number }> {
  const samples: Array<{ name: string; labels: string; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (-?[0-9.eE+-]+|[Nn][Aa][Nn]|[+-]?[Ii]nf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    samples.push({ name: m[1], labels: m[2] ?? '', value: Number(m[3]) });
  }
  return samples;
}

function sum(samples: Array<{ name: string; labels: string; value: number }>, name: string, labelPart = ''): number {
  return samples.filter((s) => s.name === name && s.labels.includes(labelPart)).reduce((a, s) => a + s.value, 0);
}

/** Ops: configuration from the environment and .env reaches the services; every service serves /metrics. */
describe('operability: configuration and metrics (e2e)', () => {
  let stack: TestStack;
  let receiver: Server;
  let receiverUrl: string;
  let collector: Server;
  /** What the services exported: [service.name, span] pairs. */
  const exported: Array<[string, { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }]> = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-e2e-'));
    writeFileSync(join(dir, '.env'), 'WEBHOOK_ALLOW_PRIVATE_NETWORKS=loopback\n');
    // An OTLP/HTTP collector: every service exports its spans here.
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        for (const rs of JSON.parse(body).resourceSpans) {
          const service = rs.resource.attributes.find((a: { key: string }) => a.key === 'service.name').value.stringValue;
          for (const ss of rs.scopeSpans) for (const span of ss.spans) exported.push([service, span]);
        }
        res.end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const otlp = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    const env = userEnv({ env: { RATE_LIMIT_PER_SECOND: '2', PATH: process.env.PATH, REDIS_URL: process.env.REDIS_URL, OTEL_EXPORTER_OTLP_ENDPOINT: otlp }, dotEnvFile: join(dir, '.env') });
    // info on the gateway (access log) and debug on connectors (one line per handled request), for the trace test
    stack = await startTestStack(BASE, { gateway: { LOG_LEVEL: 'info' }, connectors: { LOG_LEVEL: 'debug' } }, env);
    receiver = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  }, 120_000);

  afterAll(async () => {
    receiver?.close();
    collector?.close();
    await stack?.stop();
  });

  it('a variable from .env reaches webhooks: a loopback receiver is accepted', async () => {
    const { apiKey } = await createApp(stack);
    const res = await request(stack.gatewayUrl).post('/v1/webhooks').set('Authorization', `APIKey ${apiKey}`).send({ url: `${receiverUrl}/hook`, events: ['*'] });
    expect(res.status).toBe(201);
  });

  it('a variable from the environment reaches the gateway: the rate limit is 2 per second', async () => {
    const { apiKey } = await createApp(stack);
    const auth = `APIKey ${apiKey}`;
    const account = await request(stack.gatewayUrl).post('/v1/accounts').set('Authorization', auth).send({ service: 'local', config: { path: 'cfg' } }).expect(201);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () => request(stack.gatewayUrl).get(`/v1/accounts/${account.body.id}`).set('Authorization', auth).then((r) => r.status)),
    );
    // six at once: with the default of 10 none would be refused; a second boundary may let up to four through
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
  });

  it('every back service serves Prometheus metrics on its health port, and they move with requests', async () => {
    const ports = { auth: BASE + 1, connectors: BASE + 2, transfer: BASE + 3, webhooks: BASE + 4 };
    const scrape = async (port: number) => parsePrometheus((await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200)).text);
    const before = { auth: await scrape(ports.auth), connectors: await scrape(ports.connectors) };
    for (const [name, port] of Object.entries(ports)) {
      const samples = await scrape(port);
      expect(samples.some((s) => s.name === 'process_resident_memory_bytes' && s.labels.includes(`service="${name}"`))).toBe(true);
    }
    const { apiKey } = await createApp(stack);
    const auth = `APIKey ${apiKey}`;
    const account = await request(stack.gatewayUrl).post('/v1/accounts').set('Authorization', auth).send({ service: 'local', config: { path: 'metrics' } }).expect(201);
    await request(stack.gatewayUrl).get(`/v1/accounts/${account.body.id}/storage/folders/root/contents`).set('Authorization', auth).expect(200);
    const after = { auth: await scrape(ports.auth), connectors: await scrape(ports.connectors) };
    const handled = (s: typeof before.auth) => sum(s, 'kafka_rpc_handler_duration_seconds_count', 'topic="auth.account.create"');
    expect(handled(after.auth)).toBe(handled(before.auth) + 1);
    const listed = (s: typeof before.auth) => sum(s, 'connector_upstream_calls_total', 'connector="local"');
    expect(listed(after.connectors)).toBeGreaterThan(listed(before.connectors));
    // the consumer lag of auth's own group on its request topics (read on scrape, at most every 10 s)
    expect(after.auth.some((s) => s.name === 'kafka_consumer_lag' && s.labels.includes('group="auth-server"') && s.labels.includes('topic="auth.account.create"'))).toBe(true);
  });

  it('the gateway counts requests by route template (no ids in labels) and shows /metrics only with the admin token', async () => {
    const { apiKey } = await createApp(stack);
    await request(stack.gatewayUrl).get('/v1/accounts/424242').set('Authorization', `APIKey ${apiKey}`).expect(404);
    await request(stack.gatewayUrl).get('/metrics').expect(401);
    const text = (await request(stack.gatewayUrl).get('/metrics').set('Authorization', `Bearer ${stack.adminToken}`).expect(200)).text;
    const samples = parsePrometheus(text);
    expect(sum(samples, 'http_request_duration_seconds_count', 'route="/v1/accounts/:accountId"')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('424242');
    expect(sum(samples, 'kafka_rpc_client_duration_seconds_count', 'topic="auth.account.get"')).toBeGreaterThanOrEqual(1);
  });

  it("one request's W3C traceparent appears in the log lines of gateway and connectors", async () => {
    const { apiKey } = await createApp(stack);
    const auth = `APIKey ${apiKey}`;
    const account = await request(stack.gatewayUrl).post('/v1/accounts').set('Authorization', auth).send({ service: 'local', config: { path: 'trace' } }).expect(201);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(stack.gatewayUrl)
      .get(`/v1/accounts/${account.body.id}/storage/folders/root/contents`)
      .set('Authorization', auth)
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .expect(200);
    const linesWith = (service: string) => {
      const file = join(stack.logDir, `${service}.log`);
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8').split('\n').filter((l) => l.includes(`"traceId":"${traceId}"`));
    };
    for (let i = 0; i < 40 && (linesWith('gateway').length === 0 || linesWith('connectors').length === 0); i++) await new Promise((r) => setTimeout(r, 100));
    expect(linesWith('gateway').some((l) => l.includes('"msg":"gateway.request"'))).toBe(true);
    expect(linesWith('connectors').some((l) => l.includes('"topic":"connectors.folder.list"'))).toBe(true);

    // …and its spans reach the OTLP collector, linked: gateway request → Kafka call → connectors' handling
    // The request span ends last and the exporters flush every second, so wait for the three we check,
    // not for any three (the auth lookups' spans arrive first).
    const ofTrace = () => exported.filter(([, s]) => s.traceId === traceId);
    const wanted = (): boolean =>
      ofTrace().some(([svc, s]) => svc === 'gateway' && s.kind === 2) &&
      ofTrace().some(([svc, s]) => svc === 'gateway' && s.name === 'send connectors.folder.list') &&
      ofTrace().some(([svc, s]) => svc === 'connectors' && s.name === 'handle connectors.folder.list');
    for (let i = 0; i < 100 && !wanted(); i++) await new Promise((r) => setTimeout(r, 100));
    const server = ofTrace().find(([svc, s]) => svc === 'gateway' && s.kind === 2)?.[1];
    expect(server).toMatchObject({ parentSpanId: '00f067aa0ba902b7', name: 'GET /v1/accounts/:accountId/storage/folders/:folderId/contents' });
    const call = ofTrace().find(([svc, s]) => svc === 'gateway' && s.name === 'send connectors.folder.list')?.[1];
    expect(call?.parentSpanId).toBe(server!.spanId);
    const handled = ofTrace().find(([svc, s]) => svc === 'connectors' && s.name === 'handle connectors.folder.list')?.[1];
    expect(handled?.parentSpanId).toBe(call!.spanId);
  });

  // Last in this file: it stops the gateway.
  it('SIGTERM during a 200 MiB download lets it finish, while a new request is refused with 503', async () => {
    const { apiKey } = await createApp(stack);
    const auth = `APIKey ${apiKey}`;
    const account = await request(stack.gatewayUrl).post('/v1/accounts').set('Authorization', auth).send({ service: 'local', config: { path: 'drain' } }).expect(201);
    const size = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const body = Readable.from((function* () { for (let i = 0; i < size / chunk.length; i++) yield chunk; })());
    const uploaded = await fetch(`${stack.gatewayUrl}/v1/accounts/${account.body.id}/storage/files`, {
      method: 'POST',
      headers: { Authorization: auth, 'X-Kloudless-Metadata': JSON.stringify({ name: 'big.bin', parent_id: 'root' }) },
      body: Readable.toWeb(body) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    expect(uploaded.status).toBe(201);
    const file = (await uploaded.json()) as { id: string };

    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${stack.gatewayUrl}/v1/accounts/${account.body.id}/storage/files/${file.id}/contents`, { headers: { Authorization: auth } }, resolve).on('error', reject),
    );
    expect(res.statusCode).toBe(200);
    let received = 0;
    const done = new Promise<void>((resolve, reject) => { res.on('end', resolve); res.on('error', reject); res.on('aborted', () => reject(new Error('download aborted'))); });
    await new Promise<void>((resolve) => res.once('data', (c: Buffer) => { received += c.length; res.pause(); resolve(); }));

    const stopped = stack.stopService('gateway', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const refused = await request(stack.gatewayUrl).get('/v1/accounts').set('Authorization', auth);
    expect(refused.status).toBe(503);
    expect(refused.body.error_code).toBe('service_not_available');

    res.on('data', (c: Buffer) => { received += c.length; });
    res.resume();
    await done;
    expect(received).toBe(size);
    await stopped;
  }, 120_000);
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

/** Every file below `dir`, hidden ones included. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => d.name);
}

/**
 * Issue 13 (bounded resources): an abandoned multipart session expires, answers
 * 404, and leaves no temp file behind — also when the connectors process that
 * held its writer was killed in between.
 */
describe('multipart sessions expire and are cleaned (e2e)', () => {
  let stack: TestStack;
  let app: { id: string; apiKey: string };
  let account: number;
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test) => req.set('Authorization', `APIKey ${app.apiKey}`);
  const base = () => `/v1/accounts/${account}/storage/multipart`;
  const accountDir = () => join(stack.localRoot, 'apps', app.id, 'mp');

  const startAndSendPart = async () => {
    const session = await as(api().post(base())).send({ parent_id: 'root', name: 'big.bin', size: 2048 }).expect(201);
    await as(api().put(`${base()}/${session.body.id}?part_number=1`)).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(1024, 1)).expect(200);
    return session.body.id as string;
  };

  const eventually = async (check: () => boolean, ms = 15_000) => {
    const until = Date.now() + ms;
    while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    return check();
  };

  beforeAll(async () => {
    stack = await startTestStack(19980, {
      gateway: { RATE_LIMIT_PER_SECOND: '1000' },
      connectors: { MULTIPART_PART_SIZE: '1024', MULTIPART_SESSION_TTL_S: '3', MULTIPART_SWEEP_INTERVAL_S: '1' },
    });
    app = await createApp(stack, 'multipart');
    account = (await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'mp' } }).expect(201)).body.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('an abandoned session answers 404 after its lifetime and leaves no temp file', async () => {
    const id = await startAndSendPart();
    expect(filesBelow(accountDir()).some((n) => n.startsWith('.kl-upload-'))).toBe(true);
    expect(await eventually(() => filesBelow(accountDir()).length === 0)).toBe(true);
    const res = await as(api().get(`${base()}/${id}`)).expect(404);
    expect(res.body.error_code).toBe('not_found');
    await as(api().put(`${base()}/${id}?part_number=2`)).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(1024, 2)).expect(404);
  });

  it('is cleaned even when the connectors process holding its writer was killed', async () => {
    await startAndSendPart();
    await stack.stopService('connectors', 'SIGKILL');
    stack.startService('connectors');
    await stack.waitHealthy();
    expect(await eventually(() => filesBelow(accountDir()).length === 0)).toBe(true);
  }, 60_000);
});

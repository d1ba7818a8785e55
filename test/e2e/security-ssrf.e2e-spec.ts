import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { v2 as webdav } from 'webdav-server';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as { port: number }).port)));
}

/**
 * Issue 13, written as the attack: account configs that aim the connectors
 * service at internal addresses (SSRF), directly or through a redirect.
 */
describe('security: no SSRF through connectors (e2e)', () => {
  let closedStack: TestStack;
  let openStack: TestStack;
  let secret: Server;
  let attacker: Server;
  let plainHttp: Server;
  let secretHits = 0;
  let secretPort = 0;
  let attackerPort = 0;
  let plainPort = 0;

  beforeAll(async () => {
    // An internal service (think: instance metadata) on 127.0.0.2.
    secret = createServer((_req, res) => { secretHits++; res.end('AWS_SECRET_ACCESS_KEY=internal'); });
    secretPort = await listen(secret, '127.0.0.2');
    // The attacker's WebDAV server on 127.0.0.1: a real DAV folder, except that the file's GET redirects inside.
    const dir = mkdtempSync(join(tmpdir(), 'attacker-dav-'));
    writeFileSync(join(dir, 'leak.txt'), 'innocent');
    const dav = new webdav.WebDAVServer({});
    await new Promise<void>((resolve, reject) => dav.setFileSystem('/', new webdav.PhysicalFileSystem(dir), (ok) => (ok ? resolve() : reject(new Error('mount failed')))));
    attacker = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'GET' && req.url?.endsWith('/leak.txt')) {
        res.writeHead(302, { Location: `http://127.0.0.2:${secretPort}/latest/meta-data/` });
        res.end();
        return;
      }
      dav.executeRequest(req, res);
    });
    attackerPort = await listen(attacker, '127.0.0.1');
    plainHttp = createServer((_req, res) => { res.statusCode = 404; res.end('not dav'); });
    plainPort = await listen(plainHttp, '127.0.0.1');

    closedStack = await startTestStack(19580, { gateway: { RATE_LIMIT_PER_SECOND: '1000' } });
    openStack = await startTestStack(19680, { gateway: { RATE_LIMIT_PER_SECOND: '1000' }, connectors: { OUTBOUND_ALLOW_NETWORKS: '127.0.0.1/32' } });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([closedStack?.stop(), openStack?.stop()]);
    for (const s of [secret, attacker, plainHttp]) s?.close();
  });

  const connect = (stack: TestStack, key: string, service: string, config: Record<string, unknown>) =>
    request(stack.gatewayUrl).post('/v1/accounts').set('Authorization', `APIKey ${key}`).send({ service, config });

  it('refuses, by default, every connector aimed at loopback, private or metadata addresses, storing nothing', async () => {
    const { apiKey } = await createApp(closedStack);
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['webdav', { url: `http://127.0.0.1:${attackerPort}/` }],
      ['webdav', { url: `http://localhost:${plainPort}/` }],
      ['webdav', { url: 'http://[::ffff:127.0.0.1]:1/' }],
      ['webdav', { url: 'http://169.254.169.254/latest/' }],
      ['s3_compatible', { bucket: 'bucket1', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's', endpoint: `http://127.0.0.1:${plainPort}`, forcePathStyle: true }],
      ['azure', { container: 'container1', accountName: 'devstoreaccount1', accountKey: Buffer.alloc(32).toString('base64'), endpoint: `http://10.0.0.1:10000/devstoreaccount1` }],
      ['sftp', { host: '127.0.0.1', port: 22, username: 'u', password: 'p', root: '/' }],
      ['ftp', { host: 'localhost', port: 21, username: 'u', password: 'p', secure: 'none', root: '/' }],
    ];
    for (const [service, config] of attempts) {
      const res = await connect(closedStack, apiKey, service, config);
      expect({ service, status: res.status, code: res.body.error_code }).toEqual({ service, status: 400, code: 'invalid_parameters' });
      expect(res.body.message).toMatch(/does not connect to/);
    }
    const list = await request(closedStack.gatewayUrl).get('/v1/accounts').set('Authorization', `APIKey ${apiKey}`).expect(200);
    expect(list.body.objects).toEqual([]);
   }, 60_000); // eight attempts, each loading a connector's SDK for the first time

  it('gives a closed port and an open non-DAV port the same answer: nothing is probed', async () => {
    const { apiKey } = await createApp(closedStack);
    const closed = await connect(closedStack, apiKey, 'webdav', { url: 'http://127.0.0.1:1/' });
    const open = await connect(closedStack, apiKey, 'webdav', { url: `http://127.0.0.1:${plainPort}/` });
    expect(closed.status).toBe(open.status);
    expect(closed.body.error_code).toBe(open.body.error_code);
    expect(closed.body.message.replace(/\d+/g, '')).toBe(open.body.message.replace(/\d+/g, ''));
  });

  it('does not follow a WebDAV redirect to an internal address, and never sends the internal answer back', async () => {
    const { apiKey } = await createApp(openStack);
    const account = await connect(openStack, apiKey, 'webdav', { url: `http://127.0.0.1:${attackerPort}/` }).expect(201);
    const id = Buffer.from('leak.txt').toString('base64url');
    const res = await bytesOf(request(openStack.gatewayUrl).get(`/v1/accounts/${account.body.id}/storage/files/${id}/contents`).set('Authorization', `APIKey ${apiKey}`));
    expect(res.status).not.toBe(200);
    expect(Buffer.isBuffer(res.body) ? res.body.toString() : JSON.stringify(res.body)).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(secretHits).toBe(0);
  });

  it('refuses an account aimed straight at an address outside the allowed range', async () => {
    const { apiKey } = await createApp(openStack);
    const res = await connect(openStack, apiKey, 'webdav', { url: `http://127.0.0.2:${secretPort}/` });
    expect(res.status).toBe(400);
    expect(secretHits).toBe(0);
  });
});

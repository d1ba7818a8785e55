import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiverClient } from './receiver.client';

describe('ReceiverClient', () => {
  let server: http.Server;
  let base: string;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;

  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (timeoutMs = 2000) => new ReceiverClient({ timeoutMs, allowNetworks: ['loopback'] });

  it('POSTs the body with the given headers and keeps the first 1 KB of the answer', async () => {
    let seen: { headers: http.IncomingHttpHeaders; body: string } | undefined;
    handler = (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { headers: req.headers, body };
        res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000));
      });
    };
    const c = client();
    const r = await c.post(`${base}/hook?q=1`, { 'webhook-id': 'evt_1' }, '{"a":1}');
    c.close();
    expect(r.statusCode).toBe(200);
    expect(r.response).toHaveLength(1024);
    expect(seen?.headers['webhook-id']).toBe('evt_1');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.body).toBe('{"a":1}');
  });

  it('does not follow redirects', async () => {
    let hits = 0;
    handler = (req, res) => {
      hits++;
      req.resume();
      res.writeHead(302, { location: `${base}/elsewhere` }).end();
    };
    const c = client();
    const r = await c.post(`${base}/hook`, {}, '{}');
    c.close();
    expect(r.statusCode).toBe(302);
    expect(hits).toBe(1);
  });

  it('gives up at the timeout', async () => {
    handler = () => undefined; // never answers
    const c = client(300);
    const r = await c.post(`${base}/slow`, {}, '{}');
    c.close();
    expect(r).toMatchObject({ statusCode: null, error: 'timeout' });
  });

  it('reports a refused connection', async () => {
    const c = client();
    const r = await c.post('http://127.0.0.1:1/hook', {}, '{}');
    c.close();
    expect(r).toMatchObject({ statusCode: null, error: 'connection refused' });
  });

  it('refuses loopback receivers unless configuration allows them', async () => {
    const c = new ReceiverClient({ timeoutMs: 1000, allowNetworks: [] });
    const r = await c.post(`${base}/hook`, {}, '{}');
    c.close();
    expect(r.statusCode).toBeNull();
    expect(r.error).toMatch(/^refused: .*loopback/);
  });
});

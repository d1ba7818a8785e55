import { createHash, createHmac } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { InvalidParametersError, OutboundPolicy } from '@app/common';
import type { Connector, RawRequest, RawResponse } from '../src/connectors/connector';
import { connectorTypes } from '../src/connectors/registry';
import * as azureServer from './servers/azure';
import * as s3Server from './servers/s3';
import { loopbackDeps } from './servers/util';
import * as webdavServer from './servers/webdav';
import { BoxConnector } from '../src/connectors/box/box.connector';
import { validateBoxConfig } from '../src/connectors/box/box.config';
import { DropboxConnector } from '../src/connectors/dropbox/dropbox.connector';
import { validateDropboxConfig } from '../src/connectors/dropbox/dropbox.config';
import { OnedriveConnector } from '../src/connectors/onedrive/onedrive.connector';
import { validateOnedriveConfig } from '../src/connectors/onedrive/onedrive.config';
import { startBoxFake } from './fakes/box-fake';
import { startDropboxFake } from './fakes/dropbox-fake';
import { startOnedriveFake } from './fakes/onedrive-fake';

jest.setTimeout(60_000);

const request = (r: Partial<RawRequest> & Pick<RawRequest, 'method' | 'uri'>): RawRequest => ({ headers: {}, query: {}, ...r });
async function text(res: RawResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
const raw = (connector: Connector, r: RawRequest) => connector.raw!(r);

/** Connector.raw against the real servers the conformance suite uses: the servers check our credentials. */
describe('raw requests on real servers', () => {
  describe('WebDAV (basic auth, collection-scoped)', () => {
    let server: Awaited<ReturnType<typeof webdavServer.start>>;
    beforeAll(async () => (server = await webdavServer.start()));
    afterAll(() => server?.stop());
    const connector = (config = server.config) => connectorTypes.webdav.create(config, loopbackDeps);

    it('sends WebDAV methods with the account\'s credentials; the server\'s answer comes back whatever its status', async () => {
      const put = await raw(connector(), request({ method: 'PUT', uri: '/raw.txt', body: Readable.from([Buffer.from('dav bytes')]), contentLength: 9 }));
      await text(put);
      expect(put.status).toBeLessThan(300);
      const listing = await raw(connector(), request({ method: 'PROPFIND', uri: '/', headers: { Depth: '1' } }));
      expect(listing.status).toBe(207);
      expect(await text(listing)).toContain('raw.txt');
      const refused = await raw(connector({ ...server.config, password: 'wrong' }), request({ method: 'GET', uri: '/raw.txt' }));
      await text(refused);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBeUndefined();
    });

    it('keeps the URI and a COPY Destination below the collection', async () => {
      await expect(raw(connector(), request({ method: 'GET', uri: '/../other/x' }))).rejects.toThrow(InvalidParametersError);
      await expect(raw(connector(), request({ method: 'COPY', uri: '/raw.txt', headers: { Destination: '/../elsewhere.txt' } }))).rejects.toThrow(InvalidParametersError);
      const copied = await raw(connector(), request({ method: 'COPY', uri: '/raw.txt', headers: { Destination: '/copy.txt' } }));
      await text(copied);
      expect(copied.status).toBeLessThan(300);
    });
  });

  describe('Azure (Azurite checks the shared-key signature)', () => {
    let server: Awaited<ReturnType<typeof azureServer.start>>;
    beforeAll(async () => (server = await azureServer.start()));
    afterAll(() => server?.stop());
    // Raw requests need an account rooted at the container itself (no prefix).
    const connector = (config = { ...server.config, prefix: '' }) => connectorTypes.azure.create(config, loopbackDeps);

    it('lists the container with a request the SDK\'s policy signed; a wrong key is refused by Azurite, verbatim', async () => {
      const put = await raw(connector(), request({ method: 'PUT', uri: '/tenant/root/raw.txt', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: Readable.from([Buffer.from('blob')]), contentLength: 4 }));
      expect([put.status, await text(put)]).toEqual([201, '']);
      const list = await raw(connector(), request({ method: 'GET', uri: '?restype=container&comp=list' }));
      const xml = await text(list);
      expect(list.status).toBe(200);
      expect(xml).toContain('<Name>tenant/root/raw.txt</Name>');
      const bad = await raw(connector({ ...server.badConfig, prefix: '' }), request({ method: 'GET', uri: '?restype=container&comp=list' }));
      await text(bad);
      expect(bad.status).toBe(403);
    });

    it('reaches no other container, nor copies from one', async () => {
      const endpoint = (server.config as { endpoint: string }).endpoint;
      await expect(raw(connector(), request({ method: 'GET', uri: `${endpoint}/other?restype=container&comp=list` }))).rejects.toThrow(InvalidParametersError);
      await expect(raw(connector(), request({ method: 'GET', uri: '/../other?restype=container' }))).rejects.toThrow(InvalidParametersError);
      await expect(raw(connector(), request({ method: 'PUT', uri: '/tenant/root/c.txt', headers: { 'x-ms-copy-source': `${endpoint}/other/secret.txt` } }))).rejects.toThrow(InvalidParametersError);
    });
  });

  describe('S3', () => {
    let server: Awaited<ReturnType<typeof s3Server.start>>;
    beforeAll(async () => (server = await s3Server.start()));
    afterAll(() => server?.stop());

    it('still follows the outbound address policy: an account on an internal address is refused before connecting', async () => {
      const strict = connectorTypes.s3_compatible.create({ ...server.config, prefix: '' }, { outbound: new OutboundPolicy() });
      await expect(raw(strict, request({ method: 'GET', uri: '/?list-type=2' }))).rejects.toThrow(/OUTBOUND_ALLOW_NETWORKS/);
    });

    it('signs with SigV4 exactly what it sends (checked by an independent verifier)', async () => {
      const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
      const capture = http.createServer((req, res) => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers });
        req.resume();
        req.on('end', () => res.end('<ok/>'));
      });
      await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
      try {
        const config = { ...server.config, prefix: '', endpoint: `http://127.0.0.1:${(capture.address() as AddressInfo).port}` };
        const connector = connectorTypes.s3_compatible.create(config, loopbackDeps);
        const res = await raw(connector, request({ method: 'GET', uri: "/tenant/root/a%20file(1).txt?list-type=2&prefix=a%2Fb%20c&x=*'", query: { 'max-keys': '5' } }));
        await text(res);
        await text(await raw(connector, request({ method: 'PUT', uri: '/k', body: Readable.from([Buffer.from('abc')]), contentLength: 3 })));
        expect(seen).toHaveLength(2);
        for (const got of seen) expect(verifySigV4(got, config.secretAccessKey, config.region)).toBe(true);
        expect(verifySigV4(seen[0], 'not-the-secret', config.region)).toBe(false);
        expect(verifySigV4({ ...seen[0], url: seen[0].url.replace('list-type=2', 'list-type=1') }, config.secretAccessKey, config.region)).toBe(false);
        expect(seen[0].url.startsWith(`/${config.bucket}/tenant/root/`)).toBe(true);
        expect(seen[1].headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
      } finally {
        capture.close();
      }
    });
  });
});

/** The OAuth services through their fakes: the account's Bearer token, one refresh on 401, the service's own hosts only. */
describe('raw requests on the OAuth services (fakes)', () => {
  it('Dropbox: a JSON RPC call, sent again with a refreshed token after a 401 (the body is replayed)', async () => {
    const fake = await startDropboxFake();
    try {
      const tokens = fake.tokens.source();
      const connector = new DropboxConnector(validateDropboxConfig({ apiUrl: fake.url, contentUrl: fake.url }), { ...loopbackDeps, tokens });
      await connector.mkdir('', 'raw-folder');
      const body = () => Readable.from([Buffer.from(JSON.stringify({ path: '' }))]);
      const first = await raw(connector, request({ method: 'POST', uri: '/2/files/list_folder', contentType: 'application/json', body: body(), contentLength: 13 }));
      expect(first.status).toBe(200);
      expect(JSON.parse(await text(first)).entries.map((e: { name: string }) => e.name)).toContain('raw-folder');
      fake.tokens.expire(tokens.token);
      const again = await raw(connector, request({ method: 'POST', uri: '/2/files/list_folder', contentType: 'application/json', body: body(), contentLength: 13 }));
      expect(again.status).toBe(200);
      expect(JSON.parse(await text(again)).entries.map((e: { name: string }) => e.name)).toContain('raw-folder');
      expect(fake.tokens.refreshes).toBe(1);
      // A Dropbox error is Dropbox's own answer.
      const missing = await raw(connector, request({ method: 'POST', uri: '/2/files/get_metadata', contentType: 'application/json', body: Readable.from([Buffer.from('{"path":"/nope"}')]), contentLength: 16 }));
      expect(missing.status).toBe(409);
      expect(await text(missing)).toContain('not_found');
      await expect(raw(connector, request({ method: 'POST', uri: 'http://169.254.169.254/2/files/list_folder' }))).rejects.toThrow(InvalidParametersError);
    } finally {
      await fake.stop();
    }
  });

  it('Box and OneDrive: GET on their API hosts with the account\'s token', async () => {
    const box = await startBoxFake();
    const drive = await startOnedriveFake();
    try {
      const boxConnector = new BoxConnector(validateBoxConfig(box.config), { ...loopbackDeps, tokens: box.tokens.source() });
      const folder = await raw(boxConnector, request({ method: 'GET', uri: '/2.0/folders/0' }));
      expect(folder.status).toBe(200);
      expect(JSON.parse(await text(folder))).toMatchObject({ type: 'folder', id: '0' });
      const oneDrive = new OnedriveConnector(validateOnedriveConfig(drive.config), { ...loopbackDeps, tokens: drive.tokens.source() });
      await oneDrive.mkdir('', 'raw-one');
      const children = await raw(oneDrive, request({ method: 'GET', uri: '/v1.0/me/drive/root/children' }));
      expect(children.status).toBe(200);
      expect(JSON.parse(await text(children)).value.map((i: { name: string }) => i.name)).toContain('raw-one');
      await expect(raw(oneDrive, request({ method: 'GET', uri: '//evil.example/v1.0/me' }))).rejects.toThrow(InvalidParametersError);
    } finally {
      await box.stop();
      await drive.stop();
    }
  });
});

/** AWS Signature Version 4 (header form) recomputed from the request as received, per AWS's published algorithm. */
function verifySigV4(req: { method: string; url: string; headers: IncomingHttpHeaders }, secret: string, region: string): boolean {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(req.headers.authorization));
  if (!auth || auth[3] !== region) return false;
  const [, , date, , signedHeaders, signature] = auth;
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1))]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [req.method, path, query, canonicalHeaders, signedHeaders, String(req.headers['x-amz-content-sha256'])].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex') === signature;
}

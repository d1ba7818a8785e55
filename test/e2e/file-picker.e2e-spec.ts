import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { start as startS3 } from '../../apps/connectors/test/servers/s3';
import { startPickerHost, type PickerHost } from './support/picker-host';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(120_000);

const BASE_PORT = 22080;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '../../.run/test-artifacts/file-picker');
const FAILURES_PER_MINUTE = 12;

/**
 * The File Picker back end (KLOUDLESS-API.md §4), then the real
 * `@kloudless/file-picker` from npm in headless Chromium against it: connect
 * S3 through the popup's connect form, browse, create a folder, choose a file
 * and copy it to the app's upload location.
 */
describe('File Picker', () => {
  let stack: TestStack;
  let s3: Awaited<ReturnType<typeof startS3>>;
  let host: PickerHost;
  let app: { id: string; apiKey: string };
  let uploads: number;
  /** Secrets typed into forms: none may appear in any log. */
  const secretKey = `picker-secret-${randomBytes(8).toString('hex')}`;
  const api = () => request(stack.gatewayUrl);
  const admin = (req: request.Test) => req.set('Authorization', `Bearer ${stack.adminToken}`);
  const asApp = (req: request.Test) => req.set('Authorization', `APIKey ${app.apiKey}`);
  const fileBytes = randomBytes(70_000);

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    s3 = await startS3();
    const client = new S3Client({ region: 'us-east-1', endpoint: s3.config.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await client.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: 'report.pdf', Body: fileBytes, ContentType: 'application/pdf' }));
    client.destroy();
    stack = await startTestStack(BASE_PORT, {
      // info: the access log is written, so the last case can check it holds no secret.
      common: { LOG_LEVEL: 'info' },
      gateway: { RATE_LIMIT_PER_SECOND: '1000', AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE) },
      // s3rver listens on loopback, which the outbound address policy refuses unless allowed.
      connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback' },
    });
    app = await createApp(stack, 'picker app');
    // The app's own storage: a local folder, its default upload location.
    uploads = (await asApp(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'uploads' } }).expect(201)).body.id;
    await asApp(api().post('/v1/upload_locations')).send({ account_id: uploads, folder_id: 'root' }).expect(201);
    host = await startPickerHost(stack.gatewayUrl, app.id, {
      chooser: { services: ['all'], copy_to_upload_location: 'sync', create_folder: true },
      // Uploads from the user's computer only: no storage service, no accounts kept from the other picker.
      computer: { services: [], computer: true, persist: 'none' },
    });
    await admin(api().put(`/v1/admin/apps/${app.id}/origins`)).send({ origins: [host.origin] }).expect(200);
  });

  afterAll(async () => {
    await host?.stop();
    await stack?.stop();
    await s3?.stop();
  });

  describe('back end', () => {
    let other: { id: string; apiKey: string };
    const OTHER_ORIGIN = 'http://127.0.0.1:3';
    const APP_REDIRECT = 'http://127.0.0.1:1/app/connected';

    beforeAll(async () => {
      other = await createApp(stack, 'another app');
      await admin(api().put(`/v1/admin/apps/${other.id}/origins`)).send({ origins: [OTHER_ORIGIN] }).expect(200);
      await admin(api().put(`/v1/admin/apps/${app.id}/redirect_uris`)).send({ redirect_uris: [APP_REDIRECT] }).expect(200);
    });

    it('lists the services the app can connect, with the capabilities the picker filters on', async () => {
      const res = await api().get('/v1/public/services/').query({ apis: 'storage', app_id: app.id, retrieve_properties: 'true' }).expect(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ type: 'object_list', api: 'meta', next_page: null });
      const names = res.body.objects.map((s: { name: string }) => s.name);
      // Credential services through the connect form; no OAuth service is configured here; never the server's own disk.
      expect(names.sort()).toEqual(['azure', 'ftp', 's3', 's3_compatible', 'sftp', 'webdav']);
      const s3Service = res.body.objects.find((s: { name: string }) => s.name === 's3');
      expect(s3Service).toMatchObject({ friendly_name: 'Amazon S3', category: 'object_store', auth_type: 'credentials', type: 'service' });
      expect(s3Service.properties.capabilities['storage.folders.list']).toEqual([{ result: true }]);
      expect(s3Service.properties.capabilities['storage.folders.read']).toEqual([{ result: true }]);
      expect(s3Service.properties.capabilities['storage.multipart']).toEqual([{ result: true }]);
      // Without retrieve_properties (the 2.3 picker), no properties.
      const plain = await api().get('/v1/public/services').query({ apis: 'storage', app_id: app.id }).expect(200);
      expect(plain.body.objects[0].properties).toBeUndefined();
      await api().get('/v1/public/services').query({ apis: 'storage' }).expect(400);
      await api().get('/v1/public/services').query({ app_id: 'no-such-app' }).expect(404);
    });

    it('answers the picker\'s config request', async () => {
      await api().get('/file-picker/config/').query({ app_id: app.id, origin: host.origin }).expect(200, { user_data: {} });
      await api().get('/file-picker/config/').query({ app_id: 'no-such-app' }).expect(404);
    });

    it('allows CORS for the app\'s registered origins only', async () => {
      const preflight = (path: string, origin: string) => api().options(path).set('Origin', origin).set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization, x-kloudless-source, content-type');
      const ok = await preflight(`/v1/public/services?app_id=${app.id}`, host.origin).expect(204);
      expect(ok.headers['access-control-allow-origin']).toBe(host.origin);
      expect(ok.headers['access-control-allow-headers']).toBe('authorization, x-kloudless-source, content-type');
      expect(ok.headers['access-control-allow-methods']).toContain('DELETE');
      expect((await preflight('/v1/accounts/1/storage/folders/root', host.origin).expect(204)).headers['access-control-allow-origin']).toBe(host.origin);
      // Another app's origin, for this app's route; an origin nobody registered.
      expect((await preflight(`/v1/public/services?app_id=${app.id}`, OTHER_ORIGIN).expect(204)).headers['access-control-allow-origin']).toBeUndefined();
      expect((await preflight('/v1/accounts/1/storage/folders/root', 'https://evil.example').expect(204)).headers['access-control-allow-origin']).toBeUndefined();
      // Actual responses: readable by the origin when the app they were served for registered it.
      const listed = await asApp(api().get(`/v1/accounts/${uploads}`)).set('Origin', host.origin).expect(200);
      expect(listed.headers['access-control-allow-origin']).toBe(host.origin);
      expect(listed.headers['access-control-expose-headers']).toContain('X-Request-Id');
      expect((await asApp(api().get(`/v1/accounts/${uploads}`)).set('Origin', OTHER_ORIGIN).expect(200)).headers['access-control-allow-origin']).toBeUndefined();
      expect((await api().get('/v1/public/services').query({ app_id: app.id }).set('Origin', OTHER_ORIGIN).expect(200)).headers['access-control-allow-origin']).toBeUndefined();
    });

    describe('the connect form', () => {
      const authorize = (params: Record<string, string>) => api().get('/v1/oauth/').query({ client_id: app.id, state: 'app-state', ...params });
      const popupParams = () => ({ response_type: 'token', redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', origin: host.origin, request_id: 'req-1', referrer: 'picker' });
      const stateOf = (html: string) => /name="state" value="([^"]+)"/.exec(html)![1];
      const s3Fields = (accessKeyId: string) => ({
        service: 's3', bucket: s3.config.bucket, region: 'us-east-1', accessKeyId, secretAccessKey: secretKey, endpoint: s3.config.endpoint!, forcePathStyle: 'on',
      });
      const submit = (fields: Record<string, string>) => api().post('/v1/oauth/form').type('form').send(fields);

      it('is shown for a credential service, with fields per service, and refuses framing', async () => {
        const res = await authorize({ ...popupParams(), scope: 'sftp:normal.storage sftp:normal.basic' }).expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        for (const field of ['host', 'port', 'username', 'password', 'privateKey']) expect(res.text).toContain(`name="${field}"`);
        // The server's own disk is not offered to end users.
        const local = await authorize({ ...popupParams(), scope: 'local:normal.storage' }).expect(200);
        expect(local.text).toContain('invalid_scope');
        expect(local.text).not.toContain('<form');
        // An origin the app did not register gets a page that posts nothing.
        const refused = await authorize({ ...popupParams(), origin: OTHER_ORIGIN, scope: 's3:normal.storage' }).expect(400);
        expect(refused.text).not.toContain('<form');
      });

      it('shows what is wrong on the form, with a new state each time, and never accepts a state twice', async () => {
        const form = await authorize({ ...popupParams(), scope: 's3:normal.storage' }).expect(200);
        const first = stateOf(form.text);
        const missing = await submit({ state: first, service: 's3', bucket: s3.config.bucket }).expect(400);
        expect(missing.text).toMatch(/region|accessKeyId/);
        expect(missing.text).not.toMatch(/at .*\.js:\d+/); // no stack trace
        const second = stateOf(missing.text);
        expect(second).not.toBe(first);
        const wrong = await submit({ state: second, ...s3Fields('WRONGKEY') }).expect(400);
        expect(wrong.text).toContain('credentials');
        expect(wrong.text).not.toContain(secretKey);
        // The refused states are spent: replaying one connects nothing.
        const replay = await submit({ state: second, ...s3Fields('S3RVER') }).expect(400);
        expect(replay.text).toContain('already sent');
        const forged = await submit({ state: 'made-up', ...s3Fields('S3RVER') }).expect(400);
        expect(forged.text).not.toContain('<form');
        const accounts = await asApp(api().get('/v1/accounts')).expect(200);
        expect(accounts.body.objects.map((a: { service: string }) => a.service)).toEqual(['local']);
      });

      it('ends the popup flow like OAuth: the token posted to the registered origin', async () => {
        const form = await authorize({ ...popupParams(), scope: 's3:normal.storage s3:normal.basic' }).expect(200);
        const done = await submit({ state: stateOf(form.text), ...s3Fields('S3RVER') }).expect(200);
        const message = JSON.parse(JSON.parse(/postMessage\(("kloudless:.*?"), /.exec(done.text)![1]).slice('kloudless:'.length));
        expect(done.text).toContain(`, ${JSON.stringify(host.origin)})`);
        expect(message).toMatchObject({ id: 'req-1', data: { token_type: 'bearer', state: 'app-state', scope: 's3:normal.storage s3:normal.basic' } });
        // The token reads its own account, also through the app-wide list the picker calls.
        const bearer = (req: request.Test) => req.set('Authorization', `Bearer ${message.data.access_token}`);
        const own = await bearer(api().get('/v1/accounts/')).query({ active: 'True' }).expect(200);
        expect(own.body).toMatchObject({ type: 'object_list', count: 1, objects: [{ id: message.data.account_id, service: 's3' }] });
        await bearer(api().get('/v1/accounts/me/storage/folders/root/contents')).expect(200);
        await bearer(api().get(`/v1/accounts/${uploads}`)).expect(403);
        await bearer(api().delete('/v1/accounts/me')).expect(204);
      });

      it('ends the code flow with a redirect and a one-time code', async () => {
        const form = await authorize({ response_type: 'code', redirect_uri: APP_REDIRECT, scope: 's3:normal.storage' }).expect(200);
        const done = await submit({ state: stateOf(form.text), ...s3Fields('S3RVER') }).expect(302);
        const back = new URL(done.headers.location);
        expect(`${back.origin}${back.pathname}`).toBe(APP_REDIRECT);
        expect(back.searchParams.get('state')).toBe('app-state');
        const token = await api().post('/v1/oauth/token').type('form')
          .send({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP_REDIRECT, client_id: app.id, client_secret: app.apiKey }).expect(200);
        await api().get('/v1/accounts/me').set('Authorization', `Bearer ${token.body.access_token}`).expect(200);
        await asApp(api().delete(`/v1/accounts/${token.body.account_id}`)).expect(204);
      });
    });

    describe('the drop endpoint', () => {
      const CHUNK = 5 * 1024 * 1024;
      const drop = (method: 'get' | 'post' | 'delete', appId = app.id) => api()[method](`/drop/${appId}`).set('Origin', host.origin).set('X-Picker-Id', 'picker-1').set('X-Kloudless-Source', 'file-picker/2.3.3');
      const sendChunk = (query: Record<string, string | number>, body: Buffer) => drop('post').query(query).set('Content-Type', 'application/octet-stream').send(body);
      const contentsOf = async (fileId: string) => (await asApp(api().get(`/v1/accounts/${uploads}/storage/files/${fileId}/contents`)).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200)).body as Buffer;

      it('tells the chunk size where the app has an upload location', async () => {
        const res = await drop('get').expect(200);
        expect(res.body).toEqual({ chunk_size: CHUNK });
        expect(res.headers['access-control-allow-origin']).toBe(host.origin);
        await drop('get', other.id).expect(404);
      });

      it('takes a one-chunk file into the upload location', async () => {
        const bytes = randomBytes(1000);
        const res = await sendChunk({ name: 'small.bin', file_id: 'f1', file_size: bytes.length }, bytes).expect(200);
        expect(res.body).toMatchObject({ name: 'small.bin', size: 1000, account: uploads, type: 'file' });
        expect(Buffer.compare(await contentsOf(res.body.id), bytes)).toBe(0);
      });

      it('assembles chunks into one file, streamed part by part', async () => {
        const bytes = randomBytes(2 * CHUNK + 12_345);
        const query = (chunk: number) => ({ name: 'big.bin', chunk, chunks: 3, file_id: 'f2', file_size: bytes.length });
        expect((await sendChunk(query(0), bytes.subarray(0, CHUNK)).expect(200)).body).toEqual({ chunk: 0, chunks: 3 });
        await sendChunk(query(1), bytes.subarray(CHUNK, 2 * CHUNK)).expect(200);
        const done = await sendChunk(query(2), bytes.subarray(2 * CHUNK)).expect(200);
        expect(done.body).toMatchObject({ name: 'big.bin', size: bytes.length, account: uploads });
        expect(Buffer.compare(await contentsOf(done.body.id), bytes)).toBe(0);
        const logs = readFileSync(join(stack.logDir, 'gateway.log'), 'utf8');
        expect(logs).toMatch(/"source":"file-picker\/2\.3\.3"/);
      });

      it('takes chunks sent as forms too (plupload "multipart: true"), fields first, the file part streamed', async () => {
        const bytes = randomBytes(CHUNK + 777);
        const formChunk = (chunk: number, part: Buffer) => drop('post').field('name', 'form.bin').field('chunk', String(chunk)).field('chunks', '2')
          .field('file_id', 'f5').field('file_size', String(bytes.length)).attach('file', part, 'blob');
        await formChunk(0, bytes.subarray(0, CHUNK)).expect(200);
        const done = await formChunk(1, bytes.subarray(CHUNK)).expect(200);
        expect(done.body).toMatchObject({ name: 'form.bin', size: bytes.length });
        expect(Buffer.compare(await contentsOf(done.body.id), bytes)).toBe(0);
        const single = await drop('post').field('name', 'one-form.bin').attach('file', Buffer.from('hello'), 'blob').expect(200);
        expect(Buffer.compare(await contentsOf(single.body.id), Buffer.from('hello'))).toBe(0);
        await drop('post').field('name', 'no-file.bin').expect(400);
      });

      it('drops a cancelled upload, and its later chunks find nothing', async () => {
        const bytes = randomBytes(CHUNK + 10);
        const query = (chunk: number) => ({ name: 'cancelled.bin', chunk, chunks: 2, file_id: 'f3', file_size: bytes.length });
        await sendChunk(query(0), bytes.subarray(0, CHUNK)).expect(200);
        await drop('delete').query({ file_id: 'f3' }).expect(204);
        await sendChunk(query(1), bytes.subarray(CHUNK)).expect(404);
        const names = (await asApp(api().get(`/v1/accounts/${uploads}/storage/folders/root/contents`)).expect(200)).body.objects.map((o: { name: string }) => o.name);
        expect(names).not.toContain('cancelled.bin');
      });

      it('refuses uploads from other origins, to accounts that are not upload locations, and bad chunk fields', async () => {
        const bytes = randomBytes(10);
        await api().post(`/drop/${app.id}`).query({ name: 'x.bin' }).set('Content-Type', 'application/octet-stream').send(bytes).expect(403);
        await api().post(`/drop/${app.id}`).query({ name: 'x.bin' }).set('Origin', OTHER_ORIGIN).set('Content-Type', 'application/octet-stream').send(bytes).expect(403);
        await drop('post', other.id).query({ name: 'x.bin' }).set('Content-Type', 'application/octet-stream').send(bytes).expect(403);
        const s3Account = (await asApp(api().post('/v1/accounts')).send({ service: 's3', config: { ...s3.config, prefix: '' } }).expect(201)).body.id;
        await sendChunk({ name: 'x.bin' }, bytes).set('X-Drop-Account', String(s3Account)).set('X-Drop-Folder', 'root').expect(404);
        // Once it is one of the app's upload locations, X-Drop-Account picks it; S3 takes no part below 5 MiB, so such chunks are refused up front.
        await asApp(api().post('/v1/upload_locations')).send({ account_id: s3Account, folder_id: 'root' }).expect(201);
        const onS3 = await sendChunk({ name: 'x.bin' }, bytes).set('X-Drop-Account', String(s3Account)).set('X-Drop-Folder', 'root').expect(200);
        expect(onS3.body).toMatchObject({ name: 'x.bin', account: s3Account });
        const small = await sendChunk({ name: 'y.bin', chunk: 0, chunks: 2, file_id: 'f6', file_size: 20 }, bytes).set('X-Drop-Account', String(s3Account)).set('X-Drop-Folder', 'root').expect(400);
        expect(small.body.message).toContain('parts of 10 bytes');
        await sendChunk({ name: 'x.bin', chunk: 2, chunks: 2, file_id: 'f4', file_size: 10 }, bytes).expect(400);
        await sendChunk({ chunk: 0, chunks: 1 }, bytes).expect(400);
        await sendChunk({ name: 'x.bin', chunk: 1, chunks: 2, file_id: 'never-started', file_size: 20 }, bytes).expect(404);
        await asApp(api().delete(`/v1/accounts/${s3Account}`)).expect(204);
      });
    });
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    let page: Page;
    let step = 0;
    const shot = async (p: Page, name: string) => {
      step += 1;
      await p.screenshot({ path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`) });
    };
    /** The iframe of each picker on the app page (told apart by their options in its URL). */
    const frame = (key = 'chooser') => page.frameLocator(key === 'chooser' ? `iframe.kloudless-modal[src*='persist="local"']` : `iframe.kloudless-modal[src*='persist="none"']`);
    type Recorded = Array<{ name: string; data: unknown }>;
    const events = (key = 'chooser') => page.evaluate((k) => (globalThis as unknown as { pickerEvents: Record<string, Recorded> }).pickerEvents[k], key);
    const open = (key: string) => page.evaluate((k) => (globalThis as unknown as { openPicker: (key: string) => void }).openPicker(k), key);
    const ended = (key: string) => page.waitForFunction((k) => (globalThis as unknown as { pickerEvents: Record<string, Recorded> }).pickerEvents[k]
      .some((e) => e.name === 'success' || e.name === 'error'), key, { timeout: 30_000 });

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('connects S3 through the popup\'s connect form, browses, creates a folder, chooses a file and copies it to the upload location', async () => {
      await page.goto(host.appPageUrl);
      await open('chooser');
      const s3Tile = frame().locator('.service-list__item', { hasText: 'Amazon S3' });
      await s3Tile.waitFor();
      await shot(page, 'services');

      // The popup: our connect form in place of a provider's sign-in.
      const [popup] = await Promise.all([page.waitForEvent('popup'), s3Tile.click()]);
      await popup.waitForSelector('#connect-form');
      await shot(popup, 'connect-form');
      const fill = async (key: string) => {
        await popup.fill('#field-bucket', s3.config.bucket);
        await popup.fill('#field-region', 'us-east-1');
        await popup.fill('#field-accessKeyId', key);
        await popup.fill('#field-secretAccessKey', secretKey);
        await popup.fill('#field-endpoint', s3.config.endpoint!);
        await popup.check('#field-forcePathStyle');
      };
      // s3rver knows one access key id: another is refused, and the form says so.
      await fill('WRONGKEY');
      await popup.click('#connect-submit');
      await popup.waitForSelector('#connect-error');
      expect(await popup.textContent('#connect-error')).toMatch(/./);
      expect(await popup.inputValue('#field-bucket')).toBe(s3.config.bucket);
      expect(await popup.inputValue('#field-secretAccessKey')).toBe('');
      await shot(popup, 'connect-form-refused');
      await fill('S3RVER');
      await Promise.all([popup.waitForEvent('close'), popup.click('#connect-submit')]);

      // The picker has the account and shows its root.
      const report = frame().locator('tr.ftable__row[data-type="file"]', { hasText: 'report.pdf' });
      await report.waitFor();
      await shot(page, 'browsing');
      const connected = (await events()).find((e) => e.name === 'addAccount')?.data as { id: number; service: string } | undefined;
      expect(connected?.service).toBe('s3');

      // A new folder, made through the picker.
      await frame().locator('.icon__new-folder').click();
      const input = frame().locator('tr.sm-hidden .mkdir-form__input');
      await input.fill('Picked by the picker');
      await shot(page, 'new-folder');
      await frame().locator('tr.sm-hidden .mkdir-form__button').click();
      // The picker opens the folder it made: empty, named in the breadcrumb.
      await frame().locator('.breadcrumb__text', { hasText: 'Picked by the picker' }).waitFor();
      await frame().locator('.ftable__no-data-cell').first().waitFor();
      await shot(page, 'in-new-folder');
      await frame().locator('.icon__root-dir').click();
      await report.waitFor();
      const listed = await asApp(api().get(`/v1/accounts/${connected!.id}/storage/folders/root/contents`)).expect(200);
      expect(listed.body.objects.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['Picked by the picker', 'report.pdf']));

      // Choose the file: copied to the upload location (sync: the picker polls the task), then `success`.
      await report.click();
      await shot(page, 'file-selected');
      await frame().locator('.ftable__footer .btn--primary').click();
      await ended('chooser');
      await shot(page, 'chosen');
      const all = await events();
      expect(all.find((e) => e.name === 'error')).toBeUndefined();
      const selected = all.find((e) => e.name === 'selected')!.data as Array<{ id: string; name: string; account: number; size: number }>;
      expect(selected).toEqual([expect.objectContaining({ name: 'report.pdf', account: connected!.id, size: fileBytes.length })]);
      const success = all.find((e) => e.name === 'success')!.data as Array<{ id: string; name: string; account: number; size: number; type: string }>;
      expect(success).toEqual([expect.objectContaining({ name: 'report.pdf', type: 'file', account: uploads, size: fileBytes.length })]);

      // The copy is in the upload location, byte for byte.
      const bytes = await asApp(api().get(`/v1/accounts/${uploads}/storage/files/${success[0].id}/contents`)).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(Buffer.compare(bytes.body as Buffer, fileBytes)).toBe(0);
    });

    it('uploads a file from the computer through the drop endpoint, in chunks', async () => {
      await page.goto(host.appPageUrl);
      await open('computer');
      const tile = frame('computer').locator('.service-list__item').first();
      await tile.waitFor();
      await tile.click();
      const input = frame('computer').locator('#computer_uploader input[type="file"]');
      await input.waitFor({ state: 'attached' });
      // Two chunks of the picker's 5 MiB.
      const upload = randomBytes(5 * 1024 * 1024 + 4321);
      await input.setInputFiles({ name: 'from-my-computer.bin', mimeType: 'application/octet-stream', buffer: upload });
      await frame('computer').locator('.plupload_file_name', { hasText: 'from-my-computer.bin' }).first().waitFor();
      await shot(page, 'computer-upload');
      await frame('computer').locator('#plupload_btn_upload').click();
      await ended('computer');
      const all = await events('computer');
      expect(all.find((e) => e.name === 'error')).toBeUndefined();
      const [uploaded] = all.find((e) => e.name === 'success')!.data as Array<{ id: string; name: string; account: number; size: number }>;
      expect(uploaded).toMatchObject({ name: 'from-my-computer.bin', account: uploads, size: upload.length });
      const bytes = await asApp(api().get(`/v1/accounts/${uploads}/storage/files/${uploaded.id}/contents`)).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(Buffer.compare(bytes.body as Buffer, upload)).toBe(0);
    });
  });

  // Last: it leaves this address refused for the rest of the minute.
  it('refuses the connect form to an address whose submissions were refused too often', async () => {
    let blocked = '';
    for (let i = 0; i <= FAILURES_PER_MINUTE && !blocked; i++) {
      const form = await api().get('/v1/oauth').query({ client_id: app.id, response_type: 'token', redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', origin: host.origin, state: 's', scope: 'ftp:normal.storage' }).expect(200);
      const state = /name="state" value="([^"]+)"/.exec(form.text)![1];
      const res = await api().post('/v1/oauth/form').type('form').send({ state, service: 'ftp', host: 'ftp.invalid' }).expect(400);
      if (res.text.includes('Too many refused attempts')) blocked = res.text;
    }
    expect(blocked).not.toContain('<form');
  });

  it('keeps what was typed into the connect form out of every log', async () => {
    const logs = readdirSync(stack.logDir).map((f) => readFileSync(join(stack.logDir, f), 'utf8')).join('\n');
    expect(logs).toContain('gateway.request');
    expect(logs).not.toContain(secretKey);
  });
});

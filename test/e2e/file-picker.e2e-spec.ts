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
      gateway: { RATE_LIMIT_PER_SECOND: '1000' },
      // s3rver listens on loopback, which the outbound address policy refuses unless allowed.
      connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback' },
    });
    app = await createApp(stack, 'picker app');
    // The app's own storage: a local folder, its default upload location.
    uploads = (await asApp(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'uploads' } }).expect(201)).body.id;
    await asApp(api().post('/v1/upload_locations')).send({ account_id: uploads, folder_id: 'root' }).expect(201);
    host = await startPickerHost(stack.gatewayUrl, app.id, { services: ['all'], copy_to_upload_location: 'sync', create_folder: true });
    await admin(api().put(`/v1/admin/apps/${app.id}/origins`)).send({ origins: [host.origin] }).expect(200);
  });

  afterAll(async () => {
    await host?.stop();
    await stack?.stop();
    await s3?.stop();
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    let page: Page;
    let step = 0;
    const shot = async (p: Page, name: string) => {
      step += 1;
      await p.screenshot({ path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`) });
    };
    const frame = () => page.frameLocator('iframe.kloudless-modal');
    const events = () => page.evaluate(() => (window as unknown as { pickerEvents: Array<{ name: string; data: unknown }> }).pickerEvents);

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('connects S3 through the popup\'s connect form, browses, creates a folder, chooses a file and copies it to the upload location', async () => {
      await page.goto(host.appPageUrl);
      await page.evaluate(() => (window as unknown as { openPicker: () => void }).openPicker());
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
      await page.waitForFunction(() => (window as unknown as { pickerEvents: Array<{ name: string }> }).pickerEvents.some((e) => e.name === 'success' || e.name === 'error'), undefined, { timeout: 30_000 });
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
  });

  it('keeps what was typed into the connect form out of every log', async () => {
    const logs = readdirSync(stack.logDir).map((f) => readFileSync(join(stack.logDir, f), 'utf8')).join('\n');
    expect(logs).toContain('gateway.request');
    expect(logs).not.toContain(secretKey);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { connectorsRowsOf, waitUntilNoRows } from './support/connectors-db';
import { bytesOf } from './support/test-stack';
import { twoAppsOnLocalAndS3 } from './support/two-apps';

jest.setTimeout(120_000);

const GUESSES_PER_MINUTE = 3;

/** Shared links over local disk and S3: the links API, and the public URL served without an API key. */
describe('shared links', () => {
  // info: the access log is written, so the last case can check that it holds no token and no password
  const { world, services } = twoAppsOnLocalAndS3(21180, { common: { LOG_LEVEL: 'info' }, gateway: { LINK_PASSWORD_FAILURES_PER_MINUTE: String(GUESSES_PER_MINUTE) } }, 'links');
  /** Every token handed out, and the passwords used: none may appear in any service's log. */
  const secrets = new Set<string>(['s3cret pass', 's3cret%20pass', 'form pass', 'form+pass']);
  const api = () => request(world.stack.gatewayUrl);
  const asA = (req: request.Test) => req.set('Authorization', `APIKey ${world.keyA}`);
  const asB = (req: request.Test) => req.set('Authorization', `APIKey ${world.keyB}`);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  /** The public URL, fetched like a stranger would: no Authorization header. */
  const visit = (url: string, query = '') => api().get(new URL(url).pathname + query);
  const visitBytes = (url: string, query = '') => bytesOf(visit(url, query));

  describe.each(services)('on %s', (_name, accountBody) => {
    let account: number;
    let file: { id: string; name: string };
    const bytes = randomBytes(300_000);
    const base = () => `/v1/accounts/${account}/storage`;
    const links = () => `${base()}/links`;
    const upload = async (name: string, body: Buffer | string = bytes, acc = account) =>
      (await asA(api().post(`/v1/accounts/${acc}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name, parent_id: 'root' })).set('Content-Type', 'application/octet-stream').send(body).expect(201)).body;
    const createLink = async (body: object) => {
      const link = (await asA(api().post(links())).send({ file_id: file.id, ...body }).expect(201)).body;
      secrets.add(new URL(link.url).pathname.split('/').pop()!);
      return link;
    };

    beforeAll(async () => {
      account = (await asA(api().post('/v1/accounts')).send(accountBody()).expect(201)).body.id;
      file = await upload('rapport annuel été.bin');
    });

    it('creates a Link object exactly as Kloudless shows it, with a long random token unrelated to its id', async () => {
      const res = await asA(api().post(links())).send({ file_id: file.id }).expect(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(Object.keys(res.body).sort()).toEqual(['account', 'active', 'api', 'created', 'direct', 'expiration', 'file_id', 'id', 'modified', 'password', 'type', 'url'].sort());
      expect(res.body).toMatchObject({ file_id: file.id, account, active: true, direct: false, password: false, expiration: null, api: 'storage', type: 'link' });
      expect(new Date(res.body.created).toISOString()).toBe(res.body.created);
      const url = new URL(res.body.url);
      expect(url.origin).toBe(new URL(world.stack.gatewayUrl).origin);
      const token = /^\/v1\/links\/([A-Za-z0-9_-]+)$/.exec(url.pathname)?.[1];
      expect(token?.length).toBeGreaterThanOrEqual(43); // ≥ 32 random bytes
      expect(res.body.url).not.toContain(res.body.id);
      const again = await createLink({});
      expect(again.url).not.toBe(res.body.url);
    });

    it('gets, lists (paged, filtered by active), updates and deletes links', async () => {
      const link = await createLink({ direct: true });
      expect((await asA(api().get(`${links()}/${link.id}`)).expect(200)).body).toEqual(link);

      const inactive = await createLink({ active: false });
      const all = await asA(api().get(`${links()}?page_size=1000`)).expect(200);
      expect(all.body).toMatchObject({ type: 'object_list', api: 'storage', page: 1, next_page: null });
      expect(all.body.count).toBe(all.body.objects.length);
      const ids = all.body.objects.map((l: { id: string }) => l.id);
      expect(ids).toEqual(expect.arrayContaining([link.id, inactive.id]));
      const onlyActive = await asA(api().get(`${links()}?active=true&page_size=1000`)).expect(200);
      expect(onlyActive.body.objects.every((l: { active: boolean }) => l.active)).toBe(true);
      expect(onlyActive.body.objects.map((l: { id: string }) => l.id)).not.toContain(inactive.id);
      const onlyInactive = await asA(api().get(`${links()}?active=false`)).expect(200);
      expect(onlyInactive.body.objects.map((l: { id: string }) => l.id)).toEqual([inactive.id]);

      const first = await asA(api().get(`${links()}?page_size=1`)).expect(200);
      expect(first.body).toMatchObject({ count: 1, page: 1, next_page: 2 });
      const second = await asA(api().get(`${links()}?page_size=1&page=2`)).expect(200);
      expect(second.body.objects[0].id).not.toBe(first.body.objects[0].id);
      await asA(api().get(`${links()}?page=999`)).expect(404);

      // node's SDK sends file_id along: ignored
      const patched = await asA(api().patch(`${links()}/${link.id}`)).send({ active: false, expiration: '2099-01-01T00:00:00+02:00', password: 'pw', file_id: 'something-else' }).expect(200);
      expect(patched.body).toMatchObject({ id: link.id, file_id: file.id, url: link.url, active: false, expiration: '2098-12-31T22:00:00.000Z', password: true });
      expect(Date.parse(patched.body.modified)).toBeGreaterThanOrEqual(Date.parse(link.modified));
      const cleared = await asA(api().patch(`${links()}/${link.id}`)).send({ expiration: null, password: null }).expect(200);
      expect(cleared.body).toMatchObject({ active: false, expiration: null, password: false });

      await asA(api().delete(`${links()}/${link.id}`)).expect(204);
      await asA(api().get(`${links()}/${link.id}`)).expect(404);
      await asA(api().delete(`${links()}/${link.id}`)).expect(404);
      await asA(api().get(`${links()}/not-a-link`)).expect(404);
    });

    it('refuses bad input with 400 invalid_parameters, and a missing file with 404', async () => {
      for (const body of [{}, { file_id: file.id, direct: 'yes' }, { file_id: file.id, expiration: 'tomorrow' }, { file_id: file.id, password: 42 }, { file_id: file.id, link_options: 'not json' }]) {
        const res = await asA(api().post(links())).send(body).expect(400);
        expect(res.body.error_code).toBe('invalid_parameters');
      }
      const missing = await asA(api().post(links())).send({ file_id: Buffer.from('nothing here.bin').toString('base64url') }).expect(404);
      expect(missing.body.error_code).toBe('not_found');
      const link = await createLink({});
      await asA(api().patch(`${links()}/${link.id}`)).send({ active: 'no' }).expect(400);
      expect((await asA(api().get(`${links()}/${link.id}`)).expect(200)).body).toEqual(link);
    });

    it("takes the File Picker's link_options like top-level fields", async () => {
      const fromObject = await createLink({ link_options: { direct: true, password: 'picker' } });
      expect(fromObject).toMatchObject({ direct: true, password: true });
      const fromText = await createLink({ link_options: JSON.stringify({ direct: true, active: false }), active: true });
      expect(fromText).toMatchObject({ direct: true, active: true });
    });

    it('a direct link streams the exact bytes without an API key, and honours Range', async () => {
      const link = await createLink({ direct: true });
      const whole = await visitBytes(link.url).expect(200);
      expect(sha(whole.body)).toBe(sha(bytes));
      const part = await bytesOf(visit(link.url).set('Range', 'bytes=1000-1999')).expect(206);
      expect(part.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
      expect(sha(part.body)).toBe(sha(bytes.subarray(1000, 2000)));
      await visit(link.url).set('Range', `bytes=${bytes.length + 10}-`).expect(416);
    });

    it('a page link shows the name, the size and a download button that serves the bytes', async () => {
      const link = await createLink({});
      const page = await visit(link.url).set('Accept', 'text/html').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('rapport annuel été.bin');
      expect(page.text).toContain('293 KB'); // 300,000 bytes
      expect(page.text).toContain('href="?download=1"');
      const down = await visitBytes(link.url, '?download=1').expect(200);
      expect(sha(down.body)).toBe(sha(bytes));
      expect(down.headers['content-disposition']).toMatch(/^attachment; .*filename\*=UTF-8''rapport%20annuel%20%C3%A9t%C3%A9\.bin/);
    });

    it('a password link asks for the password, refuses a wrong one and accepts the right one (query or form)', async () => {
      const direct = await createLink({ direct: true, password: 's3cret pass' });
      expect(JSON.stringify(direct)).not.toContain('s3cret');
      const ask = await visit(direct.url).expect(401);
      expect(ask.body).toMatchObject({ error_code: 'unauthorized', status_code: 401 });
      await visit(direct.url, '?password=wrong').expect(401);
      const right = await visitBytes(direct.url, `?password=${encodeURIComponent('s3cret pass')}`).expect(200);
      expect(sha(right.body)).toBe(sha(bytes));

      const pageLink = await createLink({ password: 'form pass' });
      const form = await visit(pageLink.url).expect(401);
      expect(form.text).toMatch(/<form method="post">.*name="password"/s);
      const wrong = await api().post(new URL(pageLink.url).pathname).type('form').send({ password: 'nope' }).expect(401);
      expect(wrong.text).toContain('not right');
      expect(wrong.text).not.toContain(file.name);
      const opened = await api().post(new URL(pageLink.url).pathname).type('form').send({ password: 'form pass' }).expect(200);
      expect(opened.text).toContain(file.name);
      const down = await bytesOf(api().post(new URL(pageLink.url).pathname).type('form').send({ password: 'form pass', download: '1' })).expect(200);
      expect(sha(down.body)).toBe(sha(bytes));
    });

    it(`refuses every password past ${GUESSES_PER_MINUTE} wrong guesses a minute on one link (429 with Retry-After)`, async () => {
      const link = await createLink({ direct: true, password: 'right' });
      const statuses: number[] = [];
      // A minute boundary may reset the count once, so allow a second round before expecting the refusal.
      for (let i = 0; i < 2 * GUESSES_PER_MINUTE + 1 && !statuses.includes(429); i++) statuses.push((await visit(link.url, `?password=guess${i}`)).status);
      expect(statuses.slice(0, GUESSES_PER_MINUTE)).toEqual(Array(GUESSES_PER_MINUTE).fill(401));
      expect(statuses).toContain(429);
      const refused = await visit(link.url, '?password=right').expect(429);
      expect(refused.body.error_code).toBe('too_many_requests');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Other links are not affected.
      const other = await createLink({ direct: true, password: 'right' });
      await visitBytes(other.url, '?password=right').expect(200);
    });

    it('an inactive link answers 404 and an expired one 403 (JSON for API clients, a page for browsers)', async () => {
      const link = await createLink({ direct: true });
      await asA(api().patch(`${links()}/${link.id}`)).send({ active: false }).expect(200);
      const gone = await visit(link.url).expect(404);
      expect(gone.body).toMatchObject({ error_code: 'not_found', status_code: 404 });
      const gonePage = await visit(link.url).set('Accept', 'text/html,*/*;q=0.8').expect(404);
      expect(gonePage.headers['content-type']).toMatch(/^text\/html/);

      await asA(api().patch(`${links()}/${link.id}`)).send({ active: true, expiration: '2020-01-01T00:00:00Z' }).expect(200);
      const expired = await visit(link.url).expect(403);
      expect(expired.body).toMatchObject({ error_code: 'forbidden', status_code: 403 });
      expect(expired.body.message).toMatch(/expired/);

      const future = await createLink({ direct: true, expiration: new Date(Date.now() + 3_600_000).toISOString() });
      await visitBytes(future.url).expect(200);
      await visit(`${world.stack.gatewayUrl}/v1/links/${'x'.repeat(43)}`).expect(404);
      await visit(`${world.stack.gatewayUrl}/v1/links/short`).expect(404);
    });

    it('answers 404 once the file is deleted, even when a new file takes its place', async () => {
      const doomed = await upload('doomed.bin', 'old bytes');
      const link = (await asA(api().post(links())).send({ file_id: doomed.id, direct: true }).expect(201)).body;
      await visitBytes(link.url).expect(200);
      await asA(api().delete(`${base()}/files/${doomed.id}`)).expect(204);
      await visit(link.url).expect(404);
      await asA(api().get(`${links()}/${link.id}`)).expect(404);
      await upload('doomed.bin', 'new bytes');
      await visit(link.url).expect(404);
    });

    it('follows its file through a rename', async () => {
      const moving = await upload('before.bin', 'moving bytes');
      const link = (await asA(api().post(links())).send({ file_id: moving.id, direct: true }).expect(201)).body;
      const renamed = await asA(api().patch(`${base()}/files/${moving.id}`)).send({ name: 'after.bin' }).expect(200);
      expect((await asA(api().get(`${links()}/${link.id}`)).expect(200)).body.file_id).toBe(renamed.body.id);
      expect((await visitBytes(link.url).expect(200)).body.toString()).toBe('moving bytes');
    });

    it("keeps one app's links out of another app's reach", async () => {
      const link = await createLink({});
      await asB(api().get(`${links()}/${link.id}`)).expect(404);
      await asB(api().get(links())).expect(404);
      await asB(api().patch(`${links()}/${link.id}`)).send({ active: false }).expect(404);
      await asB(api().delete(`${links()}/${link.id}`)).expect(404);
      await asB(api().post(links())).send({ file_id: file.id }).expect(404);
      const own = (await asB(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'b' } }).expect(201)).body.id;
      await asB(api().get(`/v1/accounts/${own}/storage/links/${link.id}`)).expect(404);
      expect((await asB(api().get(`/v1/accounts/${own}/storage/links`)).expect(200)).body.objects).toEqual([]);
      expect((await asA(api().get(`${links()}/${link.id}`)).expect(200)).body.active).toBe(true);
    });

    it('answers 404 once the account is deleted, and its links are dropped', async () => {
      const other = (await asA(api().post('/v1/accounts')).send(accountBody()).expect(201)).body.id;
      const doomed = await upload('account-doomed.bin', 'bytes', other);
      const link = (await asA(api().post(`/v1/accounts/${other}/storage/links`)).send({ file_id: doomed.id, direct: true }).expect(201)).body;
      await visitBytes(link.url).expect(200);
      expect(await connectorsRowsOf('links', other)).toBe(1);
      await asA(api().delete(`/v1/accounts/${other}`)).expect(204);
      expect(await waitUntilNoRows('links', other)).toBe(0);
      await visit(link.url).expect(404);
    });
  });

  it('writes no link token and no password to any log line', async () => {
    expect(secrets.size).toBeGreaterThan(20);
    const logs = readdirSync(world.stack.logDir).map((f) => readFileSync(join(world.stack.logDir, f), 'utf8')).join('\n');
    expect(logs).toContain('/v1/links/:token'); // the access log was written, with the token hidden
    for (const secret of secrets) expect({ secret, logged: logs.includes(secret) }).toEqual({ secret, logged: false });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(120_000);

describe('storage API through the gateway (local disk)', () => {
  let stack: TestStack;
  let key: string;
  let account: number;
  let root: string;
  const api = () => request(stack.gatewayUrl);
  const as = (req: request.Test) => req.set('Authorization', `APIKey ${key}`);
  const base = () => `/v1/accounts/${account}/storage`;
  const meta = (name: string, parent_id = 'root') => JSON.stringify({ name, parent_id });
  const upload = (name: string, body: string | Buffer, parent = 'root', query = '') =>
    as(api().post(`${base()}/files${query}`)).set('X-Kloudless-Metadata', meta(name, parent)).set('Content-Type', 'application/octet-stream').send(body);

  beforeAll(async () => {
    stack = await startTestStack(18280, { gateway: { RATE_LIMIT_PER_SECOND: '1000' }, connectors: { MULTIPART_PART_SIZE: '1048576' } });
    const app = await createApp(stack, 'storage');
    key = app.apiKey;
    const res = await as(api().post('/v1/accounts')).send({ service: 'local', config: { path: 'u1' } }).expect(201);
    account = res.body.id;
    root = join(stack.localRoot, 'apps', app.id, 'u1');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('files', () => {
    let fileId: string;

    it('uploads a raw body named by X-Kloudless-Metadata, whatever the Content-Type', async () => {
      const res = await upload('hello.txt', 'hello world').expect(201);
      expect(res.body).toMatchObject({ api: 'storage', type: 'file', name: 'hello.txt', size: 11, account, parent: { id: 'root' }, path: '/hello.txt' });
      expect(res.body).toEqual(expect.objectContaining({ mime_type: 'text/plain', downloadable: true, ancestors: [{ id: 'root', name: '' }] }));
      expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('hello world');
      fileId = res.body.id;

      // axios' default form type (kloudless-js) and no type at all (python v2) are still raw bytes.
      await as(api().post(`${base()}/files`)).set('X-Kloudless-Metadata', meta('form.bin')).set('Content-Type', 'application/x-www-form-urlencoded').send('a=1&b=2').expect(201);
      expect(readFileSync(join(root, 'form.bin'), 'utf8')).toBe('a=1&b=2');
    });

    it('accepts a chunked upload with no Content-Length', async () => {
      const url = new URL(`${base()}/files`, stack.gatewayUrl);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(url, { method: 'POST', headers: { Authorization: `APIKey ${key}`, 'X-Kloudless-Metadata': meta('chunked.txt') } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write('part one, ');
        req.end('part two');
      });
      expect(status).toBe(201);
      expect(readFileSync(join(root, 'chunked.txt'), 'utf8')).toBe('part one, part two');
    });

    it('overwrite=false saves a clashing name under a new one; overwrite=true replaces', async () => {
      const renamed = await upload('hello.txt', 'second').expect(201);
      expect(renamed.body.name).not.toBe('hello.txt');
      expect(renamed.body.name).toMatch(/^hello.*\.txt$/);
      expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('hello world');

      const replaced = await upload('hello.txt', 'replaced!', 'root', '?overwrite=true').expect(201);
      expect(replaced.body).toMatchObject({ name: 'hello.txt', size: 9 });
      expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('replaced!');
    });

    it('reads metadata', async () => {
      const res = await as(api().get(`${base()}/files/${fileId}`)).expect(200);
      expect(res.body).toMatchObject({ id: fileId, name: 'hello.txt', type: 'file' });
    });

    it('adds raw data with X-Kloudless-Raw-Data: true', async () => {
      const res = await as(api().get(`${base()}/files/${fileId}`)).set('X-Kloudless-Raw-Data', 'true').expect(200);
      expect(res.body.raw_id).toBe('hello.txt');
      expect(res.body.raw).toBeDefined();
      const plain = await as(api().get(`${base()}/files/${fileId}`)).expect(200);
      expect(plain.body.raw).toBeUndefined();
    });

    it('refuses a malformed X-Kloudless-Raw-Headers with 400', async () => {
      const res = await as(api().get(`${base()}/files/${fileId}`)).set('X-Kloudless-Raw-Headers', '{not json').expect(400);
      expect(res.body.message).toContain('X-Kloudless-Raw-Headers');
      await as(api().get(`${base()}/files/${fileId}`)).set('X-Kloudless-Raw-Headers', '{"Box-Notifications":"off"}').expect(200);
    });

    it('downloads the bytes, and a Range with 206', async () => {
      const whole = await bytesOf(as(api().get(`${base()}/files/${fileId}/contents`))).expect(200);
      expect(whole.body.toString()).toBe('replaced!');
      expect(whole.headers['content-length']).toBe('9');
      const part = await bytesOf(as(api().get(`${base()}/files/${fileId}/contents`)).set('Range', 'bytes=2-4')).expect(206);
      expect(part.body.toString()).toBe('pla');
      expect(part.headers['content-range']).toBe('bytes 2-4/9');
      const tail = await bytesOf(as(api().get(`${base()}/files/${fileId}/contents`)).set('Range', 'bytes=-3')).expect(206);
      expect(tail.body.toString()).toBe('ed!');
      const past = await as(api().get(`${base()}/files/${fileId}/contents`)).set('Range', 'bytes=100-').expect(416);
      expect(past.body.status_code).toBe(416);
    });

    it('downloads binary bytes intact', async () => {
      const bytes = randomBytes(300_000);
      const up = await upload('blob.bin', bytes).expect(201);
      const down = await bytesOf(as(api().get(`${base()}/files/${up.body.id}/contents`))).expect(200);
      expect(createHash('sha256').update(down.body).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    });

    it('replaces contents with PUT', async () => {
      const res = await as(api().put(`${base()}/files/${fileId}`)).set('Content-Type', 'application/octet-stream').send('new contents').expect(200);
      expect(res.body).toMatchObject({ id: fileId, size: 12 });
      expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('new contents');
    });

    it('renames and moves a file with PATCH', async () => {
      const folder = await as(api().post(`${base()}/folders`)).send({ name: 'dest', parent_id: 'root' }).expect(201);
      const up = await upload('move-me.txt', 'm').expect(201);
      const renamed = await as(api().patch(`${base()}/files/${up.body.id}`)).send({ name: 'moved.txt', parent_id: folder.body.id }).expect(200);
      expect(renamed.body).toMatchObject({ name: 'moved.txt', path: '/dest/moved.txt', parent: { id: folder.body.id, name: 'dest' } });
      expect(existsSync(join(root, 'dest', 'moved.txt'))).toBe(true);
      expect(existsSync(join(root, 'move-me.txt'))).toBe(false);
      // The node SDK re-reads the id after a PATCH: the old one is gone.
      await as(api().get(`${base()}/files/${up.body.id}`)).expect(404);
    });

    it('copies a file within the account, refusing a clash with 409', async () => {
      const up = await upload('orig.txt', 'copy me').expect(201);
      const copy = await as(api().post(`${base()}/files/${up.body.id}/copy`)).send({ parent_id: 'root', name: 'copy.txt' }).expect(201);
      expect(copy.body).toMatchObject({ name: 'copy.txt', size: 7 });
      expect(readFileSync(join(root, 'copy.txt'), 'utf8')).toBe('copy me');
      const clash = await as(api().post(`${base()}/files/${up.body.id}/copy`)).send({ parent_id: 'root', name: 'copy.txt' }).expect(409);
      expect(clash.body).toMatchObject({ error_code: 'naming_conflict', conflicting_resource_id: copy.body.id });
    });

    it('deletes a file; then it is not found', async () => {
      const up = await upload('doomed.txt', 'x').expect(201);
      await as(api().delete(`${base()}/files/${up.body.id}`)).expect(204);
      expect(existsSync(join(root, 'doomed.txt'))).toBe(false);
      const res = await as(api().get(`${base()}/files/${up.body.id}`)).expect(404);
      expect(res.body.error_code).toBe('not_found');
    });

    it('needs X-Kloudless-Metadata to upload', async () => {
      const res = await as(api().post(`${base()}/files`)).set('Content-Type', 'application/octet-stream').send('x').expect(400);
      expect(res.body.message).toContain('X-Kloudless-Metadata');
      await as(api().post(`${base()}/files`)).set('X-Kloudless-Metadata', '{nope').send('x').expect(400);
    });
  });

  describe('folders', () => {
    it('reads the root folder', async () => {
      const res = await as(api().get(`${base()}/folders/root`)).expect(200);
      expect(res.body).toMatchObject({ id: 'root', type: 'folder', api: 'storage', can_create_folders: true, can_upload_files: true });
    });

    it('creates a folder; conflict_if_exists=true clashes with 409, false returns the existing one', async () => {
      const made = await as(api().post(`${base()}/folders`)).send({ name: 'Été 2024', parent_id: 'root' }).expect(201);
      expect(made.body).toMatchObject({ type: 'folder', name: 'Été 2024' });
      const again = await as(api().post(`${base()}/folders?conflict_if_exists=false`)).send({ name: 'Été 2024', parent_id: 'root' }).expect(201);
      expect(again.body.id).toBe(made.body.id);
      const clash = await as(api().post(`${base()}/folders?conflict_if_exists=true`)).send({ name: 'Été 2024', parent_id: 'root' }).expect(409);
      expect(clash.body).toMatchObject({ error_code: 'naming_conflict', status_code: 409, conflicting_resource_id: made.body.id });
    });

    it('answers 400 for a bogus parent_id', async () => {
      const bogus = Buffer.from('no/such/folder').toString('base64url');
      const res = await as(api().post(`${base()}/folders`)).send({ name: 'x', parent_id: bogus }).expect(400);
      expect(res.body.error_code).toBe('invalid_parent_folder');
    });

    it('lists contents in pages', async () => {
      const parent = await as(api().post(`${base()}/folders`)).send({ name: 'paged', parent_id: 'root' }).expect(201);
      for (const n of ['a', 'b', 'c', 'd', 'e']) await upload(`${n}.txt`, n, parent.body.id).expect(201);
      const names: string[] = [];
      let page: number | null = 1;
      while (page) {
        const res: request.Response = await as(api().get(`${base()}/folders/${parent.body.id}/contents?page_size=2&page=${page}`)).expect(200);
        names.push(...res.body.objects.map((o: { name: string }) => o.name));
        page = res.body.next_page;
      }
      expect(names).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']);
      await as(api().get(`${base()}/folders/${parent.body.id}/contents?page_size=2&page=4`)).expect(404);
    });

    it('renames and moves a folder', async () => {
      const a = await as(api().post(`${base()}/folders`)).send({ name: 'fa', parent_id: 'root' }).expect(201);
      const b = await as(api().post(`${base()}/folders`)).send({ name: 'fb', parent_id: 'root' }).expect(201);
      const moved = await as(api().patch(`${base()}/folders/${a.body.id}`)).send({ name: 'fa2', parent_id: b.body.id }).expect(200);
      expect(moved.body).toMatchObject({ name: 'fa2', path: '/fb/fa2' });
      expect(moved.body.ancestors.map((x: { name: string }) => x.name)).toEqual(['', 'fb']);
      const intoItself = await as(api().patch(`${base()}/folders/${b.body.id}`)).send({ parent_id: moved.body.id }).expect(400);
      expect(intoItself.body.error_code).toBe('invalid_parent_folder');
    });

    it('copies a folder tree', async () => {
      const src = await as(api().post(`${base()}/folders`)).send({ name: 'tree', parent_id: 'root' }).expect(201);
      const sub = await as(api().post(`${base()}/folders`)).send({ name: 'sub', parent_id: src.body.id }).expect(201);
      await upload('leaf.txt', 'leaf', sub.body.id).expect(201);
      const copy = await as(api().post(`${base()}/folders/${src.body.id}/copy`)).send({ parent_id: 'root', name: 'tree copy' }).expect(201);
      expect(copy.body).toMatchObject({ type: 'folder', name: 'tree copy' });
      expect(readFileSync(join(root, 'tree copy', 'sub', 'leaf.txt'), 'utf8')).toBe('leaf');
    });

    it('refuses to delete a non-empty folder without recursive (403), deletes it with', async () => {
      const f = await as(api().post(`${base()}/folders`)).send({ name: 'full', parent_id: 'root' }).expect(201);
      await upload('x.txt', 'x', f.body.id).expect(201);
      const refused = await as(api().delete(`${base()}/folders/${f.body.id}`)).expect(403);
      expect(refused.body.error_code).toBe('folder_not_empty');
      expect(existsSync(join(root, 'full', 'x.txt'))).toBe(true);
      await as(api().delete(`${base()}/folders/${f.body.id}?recursive=true`)).expect(204);
      expect(existsSync(join(root, 'full'))).toBe(false);
    });

    it('refuses to delete the root', async () => {
      await as(api().delete(`${base()}/folders/root?recursive=true`)).expect(403);
    });
  });

  describe('multipart uploads', () => {
    it('creates a session, takes parts in any order (each answered 200), and completes into a file', async () => {
      const size = 2 * 1024 * 1024 + 12345;
      const bytes = randomBytes(size);
      const session = await as(api().post(`${base()}/multipart`)).send({ parent_id: 'root', name: 'big.bin', size }).expect(201);
      expect(session.body).toMatchObject({ id: expect.any(String), part_size: 1024 * 1024, parallel_uploads: true });
      const partSize = session.body.part_size;
      const parts = Math.ceil(size / partSize);
      for (const n of [3, 1, 2].slice(0, parts)) {
        const chunk = bytes.subarray((n - 1) * partSize, n * partSize);
        await as(api().put(`${base()}/multipart/${session.body.id}?part_number=${n}`)).set('Content-Type', 'application/octet-stream').send(chunk).expect(200);
      }
      const got = await as(api().get(`${base()}/multipart/${session.body.id}`)).expect(200);
      expect(got.body.part_size).toBe(partSize);
      const file = await as(api().post(`${base()}/multipart/${session.body.id}/complete`)).expect(200);
      expect(file.body).toMatchObject({ type: 'file', name: 'big.bin', size });
      expect(createHash('sha256').update(readFileSync(join(root, 'big.bin'))).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      await as(api().get(`${base()}/multipart/${session.body.id}`)).expect(404);
    });

    it('aborts a session', async () => {
      const session = await as(api().post(`${base()}/multipart`)).send({ parent_id: 'root', name: 'never.bin', size: 10 }).expect(201);
      await as(api().delete(`${base()}/multipart/${session.body.id}`)).expect(204);
      await as(api().get(`${base()}/multipart/${session.body.id}`)).expect(404);
      expect(existsSync(join(root, 'never.bin'))).toBe(false);
    });

    it('refuses a part number out of range', async () => {
      const session = await as(api().post(`${base()}/multipart`)).send({ parent_id: 'root', name: 'small.bin', size: 10 }).expect(201);
      const res = await as(api().put(`${base()}/multipart/${session.body.id}?part_number=5`)).send(Buffer.alloc(10)).expect(400);
      expect(res.body.error_code).toBe('invalid_parameters');
    });
  });

  describe('search and ids', () => {
    it('finds files by name, below an optional folder; empty q is a 400', async () => {
      mkdirSync(join(root, 'deep', 'er'), { recursive: true });
      writeFileSync(join(root, 'deep', 'er', 'needle report.pdf'), 'x');
      const all = await as(api().get(`${base()}/search?q=needle`)).expect(200);
      expect(all.body).toMatchObject({ type: 'object_list' });
      expect(all.body.objects.map((o: { path: string }) => o.path)).toContain('/deep/er/needle report.pdf');
      const none = await as(api().get(`${base()}/search?q=nothing-matches-this`)).expect(200);
      expect(none.body.objects).toEqual([]);
      const deep = await as(api().get(`${base()}/folders/root/contents`)).expect(200);
      const deepId = deep.body.objects.find((o: { name: string }) => o.name === 'deep').id;
      const within = await as(api().get(`${base()}/search?q=needle&parents=${deepId}`)).expect(200);
      expect(within.body.count).toBe(1);
      const empty = await as(api().get(`${base()}/search?q=`)).expect(400);
      expect(empty.body.message).toContain('q');
    });

    it('converts a raw id (a path in the account) to an id the API accepts', async () => {
      const res = await as(api().post(`/v1/accounts/${account}/storage/convert_id`)).send({ raw_id: 'deep/er/needle report.pdf', type: 'file' }).expect(200);
      expect(res.body).toMatchObject({ id: expect.any(String), type: 'file' });
      const file = await as(api().get(`${base()}/files/${res.body.id}`)).expect(200);
      expect(file.body.name).toBe('needle report.pdf');
      const encoded = await as(api().post(`/v1/accounts/${account}/encode_raw_id`)).send({ raw_id: 'deep' }).expect(200);
      expect(encoded.body.api).toBe('storage');
      await as(api().get(`${base()}/folders/${encoded.body.id}`)).expect(200);
    });

    it.each([
      ['parent segment', Buffer.from('../../etc/passwd').toString('base64url')],
      ['absolute path', Buffer.from('/etc/passwd').toString('base64url')],
      ['NUL', Buffer.from('a\0b').toString('base64url')],
      ['encoded separator', '..%2F..%2Fetc'],
    ])('refuses an id with a %s (400) and reads nothing outside the root', async (_why, id) => {
      const res = await as(api().get(`${base()}/files/${encodeURIComponent(id)}/contents`)).expect(400);
      expect(res.body.error_code).toBe('invalid_parameters');
      await as(api().post(`/v1/accounts/${account}/encode_raw_id`)).send({ raw_id: '../../etc/passwd' }).expect(400);
    });
  });

  describe('account capabilities', () => {
    it('adds apis and capabilities with retrieve_full=true', async () => {
      const res = await as(api().get(`/v1/accounts/${account}?retrieve_full=true`)).expect(200);
      expect(res.body.apis).toEqual(['storage']);
      expect(res.body.properties.capabilities).toMatchObject({
        can_upload_file: { value: true },
        can_create_folder: { value: true },
        multipart_uploads_supported_for_files: { value: true },
      });
      const plain = await as(api().get(`/v1/accounts/${account}`)).expect(200);
      expect(plain.body.properties).toBeUndefined();
    });
  });
});

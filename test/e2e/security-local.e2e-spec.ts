import { existsSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

/**
 * Issue 13, written as the attack: app B, with an API key of its own, tries to
 * reach app A's `local` bytes by every spelling of a path, and the file system
 * tricks around an account folder (symlink swaps, links out, long names).
 */
describe('security: tenant isolation of local storage (e2e)', () => {
  let stack: TestStack;
  let appA: { id: string; apiKey: string };
  let appB: { id: string; apiKey: string };
  let accountA: number;
  const api = () => request(stack.gatewayUrl);
  const as = (key: string, req: request.Test) => req.set('Authorization', `APIKey ${key}`);
  const secretId = Buffer.from('secret.txt').toString('base64url');
  const connect = (key: string, path: string) => as(key, api().post('/v1/accounts')).send({ service: 'local', config: { path } });
  const upload = (key: string, account: number, name: string, body: string) =>
    as(key, api().post(`/v1/accounts/${account}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name, parent_id: 'root' })).send(body);

  beforeAll(async () => {
    stack = await startTestStack(19480, { gateway: { RATE_LIMIT_PER_SECOND: '1000' } });
    appA = await createApp(stack, 'victim');
    appB = await createApp(stack, 'attacker');
    accountA = (await connect(appA.apiKey, 'alice').expect(201)).body.id;
    await upload(appA.apiKey, accountA, 'secret.txt', 'A-only').expect(201);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const refused = ['/ROOT/alice', '/ROOT/apps/APP_A/alice', '../APP_A/alice', '../../alice', '..', '/etc', '../../../etc'];
  it.each(refused)('refuses B connecting %j with 400', async (spelling) => {
    const path = spelling.replace('/ROOT', stack.localRoot).replace('APP_A', appA.id);
    const res = await connect(appB.apiKey, path).expect(400);
    expect(res.body.error_code).toBe('invalid_parameters');
  });

  // Each spelling names B's own folder (the same one for the first four): whatever B finds there is B's, never A's.
  const ownFolder = ['alice', 'alice/', './alice', 'bob/../alice', 'apps/APP_A/alice'];
  it.each(ownFolder)("gives B a folder of its own for %j: A's file is never listed, read, replaced or deleted", async (spelling) => {
    const accountB = (await connect(appB.apiKey, spelling.replace('APP_A', appA.id)).expect(201)).body.id;
    const listing = await as(appB.apiKey, api().get(`/v1/accounts/${accountB}/storage/folders/root/contents`)).expect(200);
    expect(listing.body.objects.filter((o: { size: number }) => o.size === 'A-only'.length)).toEqual([]);
    const read = await bytesOf(as(appB.apiKey, api().get(`/v1/accounts/${accountB}/storage/files/${secretId}/contents`)));
    if (read.status === 200) expect(read.body.toString()).not.toBe('A-only');
    else expect(read.status).toBe(404);
    await as(appB.apiKey, api().delete(`/v1/accounts/${accountB}/storage/files/${secretId}`)); // B's own copy, if any
    await upload(appB.apiKey, accountB, 'secret.txt', 'B-was-here').expect(201);
    const mine = await bytesOf(as(appA.apiKey, api().get(`/v1/accounts/${accountA}/storage/files/${secretId}/contents`))).expect(200);
    expect(mine.body.toString()).toBe('A-only');
  });

  it('refuses an account folder swapped for a symlink after the account was made', async () => {
    const account = (await connect(appA.apiKey, 'swap').expect(201)).body.id;
    await as(appA.apiKey, api().get(`/v1/accounts/${account}/storage/folders/root/contents`)).expect(200);
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'passwd'), 'root:x:0:0');
    const folder = join(stack.localRoot, 'apps', appA.id, 'swap');
    renameSync(folder, `${folder}.old`);
    symlinkSync(outside, folder);
    const listing = await as(appA.apiKey, api().get(`/v1/accounts/${account}/storage/folders/root/contents`));
    expect(listing.status).toBe(403);
    const read = await as(appA.apiKey, api().get(`/v1/accounts/${account}/storage/files/${Buffer.from('passwd').toString('base64url')}/contents`));
    expect(read.status).toBe(403);
    await upload(appA.apiKey, account, 'planted.txt', 'x').expect(403);
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
  });

  it('creates no directory outside the root when a path goes through a link', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    symlinkSync(outside, join(stack.localRoot, 'apps', appA.id, 'outlink'));
    await connect(appA.apiKey, 'outlink/x/y').expect(400);
    expect(existsSync(join(outside, 'x'))).toBe(false);
  });

  it('answers 400, not 500, for a name over 255 bytes and for an account path naming a file', async () => {
    const long = 'n'.repeat(300);
    expect((await upload(appA.apiKey, accountA, long, 'x').expect(400)).body.error_code).toBe('invalid_parameters');
    await as(appA.apiKey, api().post(`/v1/accounts/${accountA}/storage/folders`)).send({ name: long, parent_id: 'root' }).expect(400);
    await connect(appA.apiKey, 'alice/secret.txt').expect(400);
  });

  it('does not show anything about a file outside the account that a link points to', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'big.bin'), Buffer.alloc(12345));
    symlinkSync(join(outside, 'big.bin'), join(stack.localRoot, 'apps', appA.id, 'alice', 'leak'));
    const listing = await as(appA.apiKey, api().get(`/v1/accounts/${accountA}/storage/folders/root/contents`)).expect(200);
    expect(listing.body.objects.map((o: { name: string }) => o.name)).not.toContain('leak');
    expect(JSON.stringify(listing.body)).not.toContain('12345');
    const found = await as(appA.apiKey, api().get(`/v1/accounts/${accountA}/storage/search?q=leak`)).expect(200);
    expect(found.body.objects).toEqual([]);
    expect(readFileSync(join(outside, 'big.bin')).length).toBe(12345);
  });
});

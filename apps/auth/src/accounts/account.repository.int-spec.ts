import { DataSource } from 'typeorm';
import { databaseOptions } from '@app/common';
import { authMigrations } from '../migrations';
import { AccountEntity } from './account.entity';
import { AccountRepository } from './account.repository';

const url = (role: string) => `postgres://${role}:${role}@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}`;

describe('auth schema (real Postgres)', () => {
  let db: DataSource;
  let repo: AccountRepository;
  const appA = { appId: `app_a_${Date.now()}` };
  const appB = { appId: `app_b_${Date.now()}` };
  const newAccount = (name: string) => ({ service: 'local', displayName: name, configSealed: 'v1:x:y:z' });

  beforeAll(async () => {
    db = new DataSource(databaseOptions({ url: url('svc_auth'), schema: 'auth', entities: [AccountEntity], migrations: authMigrations }));
    await db.initialize();
    await db.runMigrations();
    repo = new AccountRepository(db.getRepository(AccountEntity));
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it('runs its migrations idempotently', async () => {
    expect(await db.runMigrations()).toEqual([]);
    const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'auth'`);
    expect(tables.map((t: { table_name: string }) => t.table_name).sort()).toEqual(['access_tokens', 'accounts', 'app_oauth_clients', 'migrations', 'oauth_codes', 'oauth_states']);
  });

  it('gives integer ids and keeps every query inside one app', async () => {
    const a = await repo.insert(appA, newAccount('a1'));
    expect(Number.isInteger(a.id)).toBe(true);
    await repo.insert(appB, newAccount('b1'));

    expect(await repo.findOne(appA, a.id)).toMatchObject({ id: a.id, displayName: 'a1' });
    expect(await repo.findOne(appB, a.id)).toBeNull();
    expect((await repo.page(appB, 1, 100)).rows.map((r) => r.displayName)).toEqual(['b1']);
    expect(await repo.delete(appB, a.id)).toBe(false);
    expect(await repo.findOne(appA, a.id)).not.toBeNull();
    expect(await repo.delete(appA, a.id)).toBe(true);
    expect(await repo.findOne(appA, a.id)).toBeNull();
  });

  it('pages in id order with a total', async () => {
    const scope = { appId: `app_p_${Date.now()}` };
    for (const n of ['p1', 'p2', 'p3']) await repo.insert(scope, newAccount(n));
    const first = await repo.page(scope, 1, 2);
    const second = await repo.page(scope, 2, 2);
    expect(first.total).toBe(3);
    expect([...first.rows, ...second.rows].map((r) => r.displayName)).toEqual(['p1', 'p2', 'p3']);
  });

  it('reaches only its own schema: the auth role cannot read another service\'s tables', async () => {
    for (const schema of ['gateway', 'transfer', 'webhooks', 'connectors']) {
      await expect(db.query(`CREATE TABLE ${schema}.intruder (id int)`)).rejects.toThrow(/permission denied/);
    }
    const other = new DataSource({ type: 'postgres', url: url('svc_gateway') });
    await other.initialize();
    try {
      await expect(other.query('SELECT * FROM auth.accounts')).rejects.toThrow(/permission denied/);
    } finally {
      await other.destroy();
    }
  });
});

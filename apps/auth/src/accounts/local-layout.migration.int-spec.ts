import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { databaseOptions, SecretBox } from '@app/common';
import { authMigrations } from '../migrations';
import { AccountEntity } from './account.entity';
import { AccountRepository } from './account.repository';
import { LocalLayoutMigration } from './local-layout.migration';

const url = `postgres://svc_auth:svc_auth@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}`;

/** Accounts made before tenant isolation named folders in one namespace shared by all apps. */
describe('local layout migration (real Postgres)', () => {
  let db: DataSource;
  let repo: AccountRepository;
  const box = new SecretBox(randomBytes(32).toString('base64'));
  const run = Date.now().toString(36);
  const owner = { appId: `owner_${run}` };
  const attacker = { appId: `attacker_${run}` };
  const legacy = (scope: { appId: string }, path: string) =>
    repo.insert(scope, { service: 'local', displayName: path, configSealed: box.seal({ path }) });
  const configOf = async (scope: { appId: string }, id: number) => box.open((await repo.findOne(scope, id))!.configSealed);

  beforeAll(async () => {
    db = new DataSource(databaseOptions({ url, schema: 'auth', entities: [AccountEntity], migrations: authMigrations }));
    await db.initialize();
    await db.runMigrations();
    repo = new AccountRepository(db.getRepository(AccountEntity));
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it("gives a shared legacy folder to the app that connected it first; the other app gets a folder of its own", async () => {
    const first = await legacy(owner, `shared_${run}`);
    const second = await legacy(attacker, `shared_${run}`);
    const sameAppAgain = await legacy(owner, `./shared_${run}/`);
    const migration = new LocalLayoutMigration(repo, box, pino({ level: 'silent' }));
    expect(await migration.run()).toBeGreaterThanOrEqual(3);

    expect(await configOf(owner, first.id)).toEqual({ path: `shared_${run}`, layout: 2, legacyFolder: `shared_${run}` });
    expect(await configOf(owner, sameAppAgain.id)).toEqual({ path: `shared_${run}`, layout: 2, legacyFolder: `shared_${run}` });
    expect(await configOf(attacker, second.id)).toEqual({ path: `shared_${run}`, layout: 2 });

    // idempotent: a second run changes nothing of these
    await migration.run();
    expect(await configOf(attacker, second.id)).toEqual({ path: `shared_${run}`, layout: 2 });
  });
});

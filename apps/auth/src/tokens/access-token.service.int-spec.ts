import { DataSource } from 'typeorm';
import { databaseOptions, digestBearerToken } from '@app/common';
import { AccountEntity } from '../accounts/account.entity';
import { AccountRepository } from '../accounts/account.repository';
import { authMigrations } from '../migrations';
import { AccessTokenEntity } from './access-token.entity';
import { AccessTokenRepository } from './access-token.repository';
import { AccessTokenService } from './access-token.service';

const url = `postgres://svc_auth:svc_auth@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}`;

describe('Bearer tokens (real Postgres)', () => {
  let db: DataSource;
  let accounts: AccountRepository;
  let tokens: AccessTokenService;
  const app = { appId: `app_tok_${Date.now()}` };

  beforeAll(async () => {
    db = new DataSource(databaseOptions({ url, schema: 'auth', entities: [AccountEntity, AccessTokenEntity], migrations: authMigrations }));
    await db.initialize();
    await db.runMigrations();
    accounts = new AccountRepository(db.getRepository(AccountEntity));
    tokens = new AccessTokenService(new AccessTokenRepository(db.getRepository(AccessTokenEntity)));
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const newAccount = () => accounts.insert(app, { service: 'local', displayName: 'alice', configSealed: 'v1:x:y:z' });

  it('issues a random token, stores only its digest, and grants that one account', async () => {
    const account = await newAccount();
    const token = await tokens.issue(app, account.id, 'local:normal.storage');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await db.query(`SELECT token_sha256 FROM auth.access_tokens WHERE account_id = $1`, [account.id]);
    expect(stored).toEqual([{ token_sha256: digestBearerToken(token) }]);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await tokens.introspect(digestBearerToken(token))).toEqual({ appId: app.appId, accountId: account.id, scope: 'local:normal.storage' });
  });

  it('refuses an unknown token with 401 invalid_token', async () => {
    await expect(tokens.introspect(digestBearerToken('made-up'))).rejects.toMatchObject({ code: 'invalid_token', statusCode: 401 });
  });

  it('revokes every token of an account when the account is deleted', async () => {
    const account = await newAccount();
    const other = await newAccount();
    const gone = await tokens.issue(app, account.id, 'all');
    const kept = await tokens.issue(app, other.id, 'all');
    await accounts.delete(app, account.id);
    await expect(tokens.introspect(digestBearerToken(gone))).rejects.toMatchObject({ code: 'invalid_token' });
    expect((await tokens.introspect(digestBearerToken(kept))).accountId).toBe(other.id);
  });
});

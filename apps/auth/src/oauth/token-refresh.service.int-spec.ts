import { AppOAuthClientEntity } from './app-oauth-client.entity';
import { OAuthClients } from './oauth-clients.service';
import { createHash, randomBytes } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { databaseOptions, digestBearerToken, SecretBox, type EventPublisher, tokenRefreshes } from '@app/common';
import { followRedirects, providerEntry, startOAuthProvider, type TestOAuthProvider } from '../../../../test/servers/oauth-provider';
import { AccountEntity } from '../accounts/account.entity';
import { AccountRepository } from '../accounts/account.repository';
import type { AuthConfig } from '../auth.config';
import { authMigrations } from '../migrations';
import { OAuthProviderClient } from './oauth-provider.client';
import { resolveProviders } from './oauth-providers';
import { TokenRefreshService, type OAuthConfig } from './token-refresh.service';

jest.setTimeout(60_000);

const url = `postgres://svc_auth:svc_auth@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}`;
const CALLBACK = 'http://127.0.0.1:1/callback';

/** Refresh against a real OAuth server (oidc-provider: 60 s access tokens, rotating refresh tokens) and real Postgres. */
describe('TokenRefreshService (real Postgres, real OAuth server)', () => {
  let db: DataSource;
  let provider: TestOAuthProvider;
  let accounts: AccountRepository;
  let refresher: TokenRefreshService;
  const client = new OAuthProviderClient();
  const oldKey = randomBytes(32).toString('base64');
  const box = new SecretBox(oldKey);
  let refresherConfig: AuthConfig;
  const published: { type: string; accountId?: number; data: unknown }[] = [];
  const events = { publish: async (type: string, _meta: unknown, accountId: number | undefined, data: unknown) => published.push({ type, accountId, data }) };
  const app = { appId: `app_refresh_${Date.now()}`, requestId: 'test' };
  let entry: ReturnType<typeof providerEntry>;

  /** Signs the test user in at the provider and exchanges the code: real tokens. */
  async function signIn() {
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(entry.authorizeUrl);
    const params = { client_id: entry.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: entry.scopes.join(' '), prompt: 'consent', state: 'x',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' };
    for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
    const back = await followRedirects(authorize.href, CALLBACK);
    return client.exchangeCode(resolveProviders({ gdrive: entry }).gdrive!, back.searchParams.get('code')!, CALLBACK, verifier);
  }

  /** An account whose stored access token has already expired. */
  async function expiredAccount() {
    const tokens = { ...(await signIn()), expiresAt: new Date(Date.now() - 1000).toISOString() };
    const { account } = await accounts.upsertOAuth(app, { service: 'gdrive', upstreamUserId: `u-${randomBytes(4).toString('hex')}`, displayName: 'u', configSealed: box.seal({ oauth: tokens }) });
    return { account, tokens };
  }

  const stored = async (id: number) => {
    const row = (await accounts.findOne(app, id))!;
    return { active: row.active, config: box.open<OAuthConfig>(row.configSealed) };
  };

  beforeAll(async () => {
    provider = await startOAuthProvider({ redirectUri: CALLBACK });
    entry = providerEntry(provider);
    db = new DataSource({ ...databaseOptions({ url, schema: 'auth', entities: [AccountEntity, AppOAuthClientEntity], migrations: authMigrations }), poolSize: 20 } as never);
    await db.initialize();
    await db.runMigrations();
    accounts = new AccountRepository(db.getRepository(AccountEntity));
    const config = { OAUTH_PROVIDERS_JSON: { gdrive: entry }, OAUTH_REFRESH_MARGIN_S: 300, OAUTH_REFRESH_LOCK_TIMEOUT_MS: 15_000, OAUTH_IDLE_REFRESH_HOURS: 20 } as unknown as AuthConfig;
    refresherConfig = config;
    refresher = new TokenRefreshService(db, accounts, client, new OAuthClients(db, box, config), box, events as unknown as EventPublisher, config, pino({ level: 'silent' }));
  });

  afterAll(async () => {
    await db?.destroy();
    await provider?.stop();
  });

  it('50 concurrent refreshes of an expired token call the provider once, and all get the new token', async () => {
    const { account, tokens } = await expiredAccount();
    const before = await provider.tokenCalls();
    const counted = async (outcome: string) => (await tokenRefreshes.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    const [refreshedBefore, reusedBefore] = [await counted('refreshed'), await counted('reused')];
    published.length = 0;
    // Half reactive (the connector's upstream call got 401 with this token), half proactive (the token is past due).
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => refresher.refresh(app, account.id, i % 2 ? digestBearerToken(tokens.accessToken) : undefined)),
    );
    expect((await provider.tokenCalls()) - before).toBe(1);
    // the refreshes metric says the same: one refresh, 49 callers reused its token
    expect((await counted('refreshed')) - refreshedBefore).toBe(1);
    expect((await counted('reused')) - reusedBefore).toBe(49);
    const fresh = results[0].oauth;
    expect(fresh.accessToken).not.toBe(tokens.accessToken);
    expect(results.every((r) => r.oauth.accessToken === fresh.accessToken)).toBe(true);
    expect(Date.parse(fresh.expiresAt!)).toBeGreaterThan(Date.now());
    // The rotated refresh token is what is stored, with the new access token.
    const { config } = await stored(account.id);
    expect(config.oauth.refreshToken).toBeTruthy();
    expect(config.oauth.refreshToken).not.toBe(tokens.refreshToken);
    expect(config.oauth).toEqual(fresh);
    expect(published.filter((e) => e.type === 'account.token_refreshed').map((e) => e.accountId)).toEqual([account.id]);
    // The stored (rotated) refresh token works: a later forced refresh succeeds.
    const again = await refresher.refresh(app, account.id, digestBearerToken(fresh.accessToken));
    expect(again.oauth.accessToken).not.toBe(fresh.accessToken);
  });

  it('two auth instances racing on one account (each with its own pool) refresh it once', async () => {
    const { account, tokens } = await expiredAccount();
    const otherDb = new DataSource({ ...databaseOptions({ url, schema: 'auth', entities: [AccountEntity, AppOAuthClientEntity], migrations: authMigrations }), poolSize: 10 } as never);
    await otherDb.initialize();
    try {
      const peer = new TokenRefreshService(otherDb, new AccountRepository(otherDb.getRepository(AccountEntity)), client, new OAuthClients(otherDb, box, refresherConfig), box, events as unknown as EventPublisher, refresherConfig, pino({ level: 'silent' }));
      const before = await provider.tokenCalls();
      const used = digestBearerToken(tokens.accessToken);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? refresher : peer).refresh(app, account.id, used)));
      expect((await provider.tokenCalls()) - before).toBe(1);
      expect(new Set(results.map((r) => r.oauth.accessToken)).size).toBe(1);
    } finally {
      await otherDb.destroy();
    }
  });

  it('a fresh token is reused, not refreshed', async () => {
    const { account } = await expiredAccount();
    const first = await refresher.refresh(app, account.id);
    const before = await provider.tokenCalls();
    expect((await refresher.refresh(app, account.id)).oauth.accessToken).toBe(first.oauth.accessToken);
    expect(await provider.tokenCalls()).toBe(before);
  });

  it('a revoked refresh token marks the account for re-authorization, once, and says the user must reconnect', async () => {
    const { account, tokens } = await expiredAccount();
    const res = await fetch(`${provider.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken!, token_type_hint: 'refresh_token', client_id: provider.clientId, client_secret: provider.clientSecret }).toString(),
    });
    expect(res.status).toBe(200);
    published.length = 0;
    await expect(refresher.refresh(app, account.id)).rejects.toMatchObject({ code: 'service_unauthorized', statusCode: 401, message: expect.stringMatching(/connected again/) });
    expect((await stored(account.id)).active).toBe(false);
    expect(published.map((e) => e.type)).toEqual(['account.reauth_required']);
    // Further calls do not hit the provider again.
    const before = await provider.tokenCalls();
    await expect(refresher.refresh(app, account.id)).rejects.toMatchObject({ code: 'service_unauthorized' });
    expect(await provider.tokenCalls()).toBe(before);
  });

  it('refreshes accounts idle past OAUTH_IDLE_REFRESH_HOURS in the background, once however many instances sweep', async () => {
    const idle = await accounts.upsertOAuth(app, { service: 'gdrive', upstreamUserId: `idle-${randomBytes(4).toString('hex')}`, displayName: 'idle', configSealed: box.seal({ oauth: await signIn() }) });
    const busy = await accounts.upsertOAuth(app, { service: 'gdrive', upstreamUserId: `busy-${randomBytes(4).toString('hex')}`, displayName: 'busy', configSealed: box.seal({ oauth: await signIn() }) });
    await db.query(`UPDATE accounts SET updated_at = now() - interval '25 hours' WHERE id = $1`, [idle.account.id]);
    const [idleBefore, busyBefore] = [await stored(idle.account.id), await stored(busy.account.id)];
    const before = await provider.tokenCalls();
    // Two auth instances sweep at the same time: the row lock and the re-checked cutoff let one refresh it.
    const peer = new TokenRefreshService(db, accounts, client, new OAuthClients(db, box, refresherConfig), box, events as unknown as EventPublisher, refresherConfig, pino({ level: 'silent' }));
    await Promise.all([refresher.refreshIdle({ appId: app.appId }), peer.refreshIdle({ appId: app.appId })]);
    expect((await provider.tokenCalls()) - before).toBe(1);
    expect((await stored(idle.account.id)).config.oauth.accessToken).not.toBe(idleBefore.config.oauth.accessToken);
    expect((await stored(busy.account.id)).config.oauth.accessToken).toBe(busyBefore.config.oauth.accessToken);
    // Refreshed now: not idle any more.
    await refresher.refreshIdle({ appId: app.appId });
    expect((await provider.tokenCalls()) - before).toBe(1);
  });

  it('rotates ENCRYPTION_KEY: rows sealed with the old key stay readable, what is written now uses the new key', async () => {
    const { account } = await expiredAccount();
    const oldKeyId = box.keyId;
    expect(SecretBox.keyIdOf((await accounts.findOne(app, account.id))!.configSealed)).toBe(oldKeyId);
    // The deployment rotates: a new current key, the old one kept as previous.
    const rotated = new SecretBox(randomBytes(32).toString('base64'), [oldKey]);
    const after = new TokenRefreshService(db, accounts, client, new OAuthClients(db, rotated, refresherConfig), rotated, events as unknown as EventPublisher, refresherConfig, pino({ level: 'silent' }));
    const fresh = await after.refresh(app, account.id);
    const row = (await accounts.findOne(app, account.id))!;
    expect(SecretBox.keyIdOf(row.configSealed)).toBe(rotated.keyId);
    expect(rotated.keyId).not.toBe(oldKeyId);
    expect(rotated.open<OAuthConfig>(row.configSealed).oauth.accessToken).toBe(fresh.oauth.accessToken);
    // A box without the old key cannot open old rows: the key id says which key is missing.
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(box.seal({ x: 1 }))).toThrow(/unknown key/);
  });
});

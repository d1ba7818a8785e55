import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { followRedirects, providerEntry, startOAuthProvider, type TestOAuthProvider } from '../servers/oauth-provider';
import { createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(120_000);

const BASE_PORT = 18880;
const CALLBACK = `http://127.0.0.1:${BASE_PORT}/v1/oauth/callback`;
const APP_REDIRECT = 'http://127.0.0.1:1/app/oauth-done';

/** A browser from the gateway, through the provider and our callback, to the app's redirect URI. */
const browseToApp = (start: string, visited: URL[] = []) => followRedirects(start, APP_REDIRECT, visited);

describe('OAuth connect flow and Bearer tokens', () => {
  let stack: TestStack;
  let provider: TestOAuthProvider;
  let app: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  const api = () => request(stack.gatewayUrl);
  const secrets: string[] = [];

  const authorizeUrl = (params: Record<string, string>) =>
    `${stack.gatewayUrl}/v1/oauth?${new URLSearchParams({ client_id: app.id, response_type: 'code', redirect_uri: APP_REDIRECT, ...params })}`;

  /** The whole flow: browser to the app's redirect URI, then the code exchange. */
  async function connect(state = 'app-state-1') {
    const back = await browseToApp(authorizeUrl({ scope: 'gdrive:normal.storage gdrive:normal.basic', state }));
    expect(back.searchParams.get('error')).toBeNull();
    expect(back.searchParams.get('state')).toBe(state);
    const code = back.searchParams.get('code')!;
    secrets.push(code);
    // kloudless-python labels its form `application/form-urlencoded` (no `x-`).
    const res = await api()
      .post('/v1/oauth/token')
      .set('Content-Type', 'application/form-urlencoded')
      .send(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: APP_REDIRECT, client_id: app.id, client_secret: app.apiKey }).toString())
      .expect(200);
    secrets.push(res.body.access_token);
    return { code, body: res.body as { access_token: string; token_type: string; account_id: number; scope: string } };
  }

  beforeAll(async () => {
    provider = await startOAuthProvider({ redirectUri: CALLBACK, accessTokenTtl: 4 });
    secrets.push(provider.clientSecret);
    stack = await startTestStack(BASE_PORT, {
      common: { LOG_LEVEL: 'info' },
      auth: { OAUTH_PROVIDERS_JSON: JSON.stringify({ gdrive: providerEntry(provider) }), OAUTH_CALLBACK_URL: CALLBACK },
    });
    app = await createApp(stack, 'oauth app');
    other = await createApp(stack, 'other app');
    secrets.push(app.apiKey, other.apiKey);
    await api().put(`/v1/admin/apps/${app.id}/redirect_uris`).set('Authorization', `Bearer ${stack.adminToken}`).send({ redirect_uris: [APP_REDIRECT] }).expect(200, { redirect_uris: [APP_REDIRECT] });
  });

  afterAll(async () => {
    await stack?.stop();
    await provider?.stop();
  });

  it('registers redirect URIs per app through the admin API, refusing bad ones', async () => {
    const admin = (req: request.Test) => req.set('Authorization', `Bearer ${stack.adminToken}`);
    await admin(api().get(`/v1/admin/apps/${app.id}/redirect_uris`)).expect(200, { redirect_uris: [APP_REDIRECT] });
    const bad = await admin(api().put(`/v1/admin/apps/${app.id}/redirect_uris`)).send({ redirect_uris: ['javascript:alert(1)'] }).expect(400);
    expect(bad.body.error_code).toBe('invalid_parameters');
    await admin(api().put('/v1/admin/apps/app_missing/redirect_uris')).send({ redirect_uris: [] }).expect(404);
    await api().put(`/v1/admin/apps/${app.id}/redirect_uris`).set('Authorization', `APIKey ${app.apiKey}`).send({ redirect_uris: [] }).expect(401);
    await admin(api().get(`/v1/admin/apps/${app.id}/redirect_uris`)).expect(200, { redirect_uris: [APP_REDIRECT] });
  });

  it('connects an account: provider sign-in, one-time code, Bearer token for that account', async () => {
    const { code, body } = await connect();
    expect(body).toEqual({ access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), token_type: 'bearer', account_id: expect.any(Number), scope: 'gdrive:normal.storage gdrive:normal.basic' });

    const bearer = `Bearer ${body.access_token}`;
    await api().get('/v1/oauth/token').set('Authorization', bearer).expect(200, { client_id: app.id, account_id: body.account_id, scope: body.scope });
    const me = await api().get('/v1/accounts/me').set('Authorization', bearer).expect(200);
    expect(me.body).toMatchObject({ id: body.account_id, service: 'gdrive', account: 'test-user-1@example.test', active: true });
    await api().get(`/v1/accounts/${body.account_id}/`).set('Authorization', bearer).expect(200);
    // The app's API key reaches the same account, by number only.
    await api().get(`/v1/accounts/${body.account_id}`).set('Authorization', `APIKey ${app.apiKey}`).expect(200);
    expect((await api().get('/v1/accounts/me').set('Authorization', `APIKey ${app.apiKey}`).expect(400)).body.error_code).toBe('invalid_parameters');

    // The code works once.
    const replay = await api().post('/v1/oauth/token').type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: APP_REDIRECT, client_id: app.id, client_secret: app.apiKey }).expect(400);
    expect(replay.body).toMatchObject({ error_code: 'bad_request', status_code: 400 });
  });

  it('keeps a Bearer token to its one account, and says so', async () => {
    const { body } = await connect('s2');
    const bearer = `Bearer ${body.access_token}`;
    const elsewhere = await api().get(`/v1/accounts/${body.account_id + 1000}`).set('Authorization', bearer).expect(403);
    expect(elsewhere.body).toMatchObject({ error_code: 'forbidden', status_code: 403 });
    expect((await api().get('/v1/accounts').set('Authorization', bearer).expect(403)).body.error_code).toBe('forbidden');
    expect((await api().get('/v1/webhooks').set('Authorization', bearer).expect(403)).body.error_code).toBe('forbidden');
    expect((await api().get('/v1/accounts/me').set('Authorization', 'Bearer not-a-token').expect(401)).body.error_code).toBe('invalid_token');
    // Storage on an OAuth service waits for its connector: a clear 501, not a crash.
    const storage = await api().get('/v1/accounts/me/storage/folders/root/contents').set('Authorization', bearer).expect(501);
    expect(storage.body.error_code).toBe('not_implemented');
  });

  it('reconnecting the same upstream user keeps the account id', async () => {
    const first = await connect('s3');
    const second = await connect('s4');
    expect(second.body.account_id).toBe(first.body.account_id);
  });

  it('checks the app at the token endpoint: client_secret must be the key of client_id', async () => {
    const back = await browseToApp(authorizeUrl({ scope: 'gdrive:normal.storage', state: 's5' }));
    const code = back.searchParams.get('code')!;
    secrets.push(code);
    const form = { grant_type: 'authorization_code', code, redirect_uri: APP_REDIRECT, client_id: app.id };
    expect((await api().post('/v1/oauth/token').type('form').send(form).expect(401)).body.error_code).toBe('authentication_required');
    expect((await api().post('/v1/oauth/token').type('form').send({ ...form, client_secret: other.apiKey }).expect(401)).body.error_code).toBe('unauthorized');
    await api().post('/v1/oauth/token').type('form').send({ ...form, redirect_uri: `${APP_REDIRECT}/x` }).set('Authorization', `APIKey ${app.apiKey}`).expect(400);
    // `Authorization: APIKey` alone is enough (kloudless-js); the code above was burnt by the redirect_uri mismatch.
    const again = await browseToApp(authorizeUrl({ scope: 'gdrive:normal.storage', state: 's6' }));
    secrets.push(again.searchParams.get('code')!);
    const ok = await api().post('/v1/oauth/token').type('form').set('Authorization', `APIKey ${app.apiKey}`)
      .send({ ...form, code: again.searchParams.get('code')! }).expect(200);
    secrets.push(ok.body.access_token);
  });

  it('ends every failure on the app\'s redirect URI with RFC 6749 error and error_description', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ response_type: 'token', scope: 'gdrive:normal.storage', state: 'e1' }, 'unsupported_response_type'],
      [{ scope: 'dropbox:normal.storage', state: 'e1' }, 'invalid_scope'],
    ];
    for (const [params, error] of cases) {
      const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get('location')!);
      expect(to.href.startsWith(APP_REDIRECT)).toBe(true);
      expect(to.searchParams.get('error')).toBe(error);
      expect(to.searchParams.get('error_description')).toBeTruthy();
      expect(to.searchParams.get('state')).toBe('e1');
    }
  });

  it('never redirects to an unregistered redirect URI, nor on an unknown or replayed state', async () => {
    const visited: URL[] = [];
    const back = await browseToApp(authorizeUrl({ scope: 'gdrive:normal.storage', state: 'r1' }), visited);
    secrets.push(back.searchParams.get('code')!);
    const callback = visited.find((u) => u.pathname === '/v1/oauth/callback')!;
    secrets.push(callback.searchParams.get('code')!);
    for (const url of [
      callback.href,
      authorizeUrl({ redirect_uri: 'https://evil.example/cb', scope: 'gdrive:normal.storage' }),
      authorizeUrl({ client_id: other.id, scope: 'gdrive:normal.storage' }),
      `${stack.gatewayUrl}/v1/oauth/callback?state=made-up&code=x`,
    ]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });

  it('DELETE /v1/accounts/me revokes the account\'s tokens at once', async () => {
    const { body } = await connect('s7');
    const bearer = `Bearer ${body.access_token}`;
    await api().delete('/v1/accounts/me/').set('Authorization', bearer).expect(204);
    await api().get('/v1/oauth/token').set('Authorization', bearer).expect(400);
    expect((await api().get('/v1/accounts/me').set('Authorization', bearer).expect(401)).body.error_code).toBe('invalid_token');
  });

  it('refreshes an expired token when the account is used, and a revoked one makes the user reconnect (same account)', async () => {
    const { body } = await connect('s8');
    const bearer = `Bearer ${body.access_token}`;
    // The provider's access tokens live 4 s; auth refreshes within half that of expiry.
    await new Promise((r) => setTimeout(r, 2500));
    const before = await provider.tokenCalls();
    await api().get('/v1/accounts/me/storage/folders/root').set('Authorization', bearer).expect(501);
    expect((await provider.tokenCalls()) - before).toBe(1);

    // The user revokes our access at the provider: the next refresh gets invalid_grant.
    await provider.revokeAll();
    await new Promise((r) => setTimeout(r, 2500));
    const denied = await api().get('/v1/accounts/me/storage/folders/root').set('Authorization', bearer).expect(401);
    expect(denied.body.error_code).toBe('service_unauthorized');
    expect(denied.body.message).toMatch(/connected again/);
    expect((await api().get('/v1/accounts/me').set('Authorization', bearer).expect(200)).body.active).toBe(false);

    const again = await connect('s9');
    expect(again.body.account_id).toBe(body.account_id);
    expect((await api().get('/v1/accounts/me').set('Authorization', `Bearer ${again.body.access_token}`).expect(200)).body.active).toBe(true);
  });

  it('writes no token, code or secret into any log line', async () => {
    const logs = readdirSync(stack.logDir).map((f) => readFileSync(join(stack.logDir, f), 'utf8')).join('\n');
    expect(logs).toContain('auth.oauth.connected');
    // Ours (API keys, codes, Bearer tokens, the client secret) and the provider's (access, refresh, id tokens).
    const upstream = await provider.issuedTokens();
    expect(upstream.length).toBeGreaterThan(10);
    for (const secret of [...secrets, ...upstream]) expect(logs).not.toContain(secret);
  });
});

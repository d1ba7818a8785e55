import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startGdriveFake, type GdriveFake } from '../../apps/connectors/test/fakes/gdrive-fake';
import { browseToPage, followRedirects, providerAccepts, providerEntry, startOAuthProvider, type TestOAuthProvider } from '../servers/oauth-provider';
import { bytesOf, createApp, startTestStack, type TestStack } from './support/test-stack';

jest.setTimeout(120_000);

const BASE_PORT = 18880;
const CALLBACK = `http://127.0.0.1:${BASE_PORT}/v1/oauth/callback`;
const APP_REDIRECT = 'http://127.0.0.1:1/app/oauth-done';
const APP_ORIGIN = 'http://127.0.0.1:2';

/** A browser from the gateway, through the provider and our callback, to the app's redirect URI. */
const browseToApp = (start: string, visited: URL[] = []) => followRedirects(start, APP_REDIRECT, visited);

describe('OAuth connect flow and Bearer tokens', () => {
  let stack: TestStack;
  let provider: TestOAuthProvider;
  /** Google Drive's API (a fake: Google cannot be reached from here) accepting the tokens the provider issued, except those a test refuses. */
  let drive: GdriveFake;
  const refused = new Set<string>();
  const seen: string[] = [];
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
    secrets.push(provider.clientSecret, provider.otherClient.clientSecret);
    drive = await startGdriveFake({
      checkToken: async (token) => {
        if (token) seen.push(token);
        return token !== undefined && !refused.has(token) && providerAccepts(provider, token);
      },
    });
    stack = await startTestStack(BASE_PORT, {
      common: { LOG_LEVEL: 'info' },
      auth: { OAUTH_PROVIDERS_JSON: JSON.stringify({ gdrive: providerEntry(provider) }), OAUTH_CALLBACK_URL: CALLBACK },
      gateway: { RATE_LIMIT_PER_SECOND: '1000' },
      connectors: {
        OUTBOUND_ALLOW_NETWORKS: 'loopback',
        OAUTH_API_URLS_JSON: JSON.stringify({ gdrive: { apiUrl: `${drive.url}/drive/v3`, uploadUrl: `${drive.url}/upload/drive/v3` } }),
      },
    });
    app = await createApp(stack, 'oauth app');
    other = await createApp(stack, 'other app');
    secrets.push(app.apiKey, other.apiKey);
    await api().put(`/v1/admin/apps/${app.id}/redirect_uris`).set('Authorization', `Bearer ${stack.adminToken}`).send({ redirect_uris: [APP_REDIRECT] }).expect(200, { redirect_uris: [APP_REDIRECT] });
  });

  afterAll(async () => {
    await stack?.stop();
    await drive?.stop();
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
    // The app-wide list shows a token its own account only (the File Picker reads a new token's account so).
    expect((await api().get('/v1/accounts').set('Authorization', bearer).expect(200)).body.objects.map((a: { id: number }) => a.id)).toEqual([body.account_id]);
    expect((await api().get('/v1/webhooks').set('Authorization', bearer).expect(403)).body.error_code).toBe('forbidden');
    expect((await api().get('/v1/accounts/me').set('Authorization', 'Bearer not-a-token').expect(401)).body.error_code).toBe('invalid_token');
  });

  it('reaches the account\'s Google Drive with its token: upload, list, download through the gateway', async () => {
    const { body } = await connect('d1');
    const bearer = `Bearer ${body.access_token}`;
    const up = await api().post('/v1/accounts/me/storage/files').set('Authorization', bearer)
      .set('X-Kloudless-Metadata', JSON.stringify({ parent_id: 'root', name: 'hello.txt' })).set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('hello drive')).expect(201);
    expect(up.body).toMatchObject({ name: 'hello.txt', size: 11, type: 'file', account: body.account_id, parent: { id: 'root' } });
    const list = await api().get('/v1/accounts/me/storage/folders/root/contents').set('Authorization', bearer).expect(200);
    expect(list.body.objects.map((o: { name: string }) => o.name)).toContain('hello.txt');
    const down = await bytesOf(api().get(`/v1/accounts/me/storage/files/${up.body.id}/contents`).set('Authorization', bearer)).expect(200);
    expect(down.body.toString()).toBe('hello drive');
    // Drive's own id is in the raw data; our id is opaque.
    const raw = await api().get(`/v1/accounts/me/storage/files/${up.body.id}`).set('Authorization', bearer).set('X-Kloudless-Raw-Data', 'true').expect(200);
    expect(raw.body.raw_id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('an upstream 401 makes connectors ask auth for a new token once, and 50 calls on it cause one refresh', async () => {
    const older = new Set(await provider.issuedTokens());
    const { body } = await connect('d2');
    const bearer = `Bearer ${body.access_token}`;
    // Reconnecting stored a new token; connectors may serve the one they cached until it expires (4 s). Wait for the stored one.
    for (let i = 0; i < 60; i++) {
      await api().get('/v1/accounts/me/storage/folders/root/contents').set('Authorization', bearer).expect(200);
      if (!older.has(seen.at(-1)!)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Every token issued so far is refused upstream from now on (as an expired or revoked one would be).
    for (const token of await provider.issuedTokens()) refused.add(token);
    const before = await provider.tokenCalls();
    const calls = await Promise.all(Array.from({ length: 50 }, () => api().get('/v1/accounts/me/storage/folders/root/contents').set('Authorization', bearer)));
    expect(calls.map((r) => `${r.status} ${r.body.error_code ?? ''}`.trim())).toEqual(Array(50).fill('200'));
    expect((await provider.tokenCalls()) - before).toBe(1);
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
    await api().get('/v1/accounts/me/storage/folders/root').set('Authorization', bearer).expect(200);
    expect((await provider.tokenCalls()) - before).toBe(1);

    // The user revokes our access at the provider: the next refresh gets invalid_grant.
    await provider.revokeAll();
    await new Promise((r) => setTimeout(r, 2500));
    const denied = await api().get('/v1/accounts/me/storage/folders/root').set('Authorization', bearer).expect(401);
    expect(denied.body.error_code).toBe('service_unauthorized');
    expect(denied.body.message).toMatch(/connected again/);
    expect((await api().get('/v1/accounts/me').set('Authorization', bearer).expect(200)).body).toMatchObject({ active: false, status: 'needs_reauth' });

    const again = await connect('s9');
    expect(again.body.account_id).toBe(body.account_id);
    expect((await api().get('/v1/accounts/me').set('Authorization', `Bearer ${again.body.access_token}`).expect(200)).body).toMatchObject({ active: true, status: 'active' });
  });

  it('the File Picker\'s popup flow posts the token to the app\'s registered origin, and only there', async () => {
    const admin = (req: request.Test) => req.set('Authorization', `Bearer ${stack.adminToken}`);
    await admin(api().put(`/v1/admin/apps/${app.id}/origins`)).send({ origins: [`${APP_ORIGIN}/`] }).expect(400);
    await admin(api().put(`/v1/admin/apps/${app.id}/origins`)).send({ origins: [APP_ORIGIN] }).expect(200, { origins: [APP_ORIGIN] });
    const popupUrl = (origin: string) => `${stack.gatewayUrl}/v1/oauth/?${new URLSearchParams({
      client_id: app.id, response_type: 'token', redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', scope: 'gdrive:normal.storage gdrive:normal.basic',
      state: 'picker-req-1', request_id: 'picker-req-1', origin, referrer: 'picker',
    })}`;
    const page = await browseToPage(popupUrl(APP_ORIGIN));
    expect(page.status).toBe(200);
    expect(page.contentType).toContain('text/html');
    const posted = /postMessage\(("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\)/.exec(page.body)!;
    expect(JSON.parse(posted[2])).toBe(APP_ORIGIN);
    const message = JSON.parse(posted[1]) as string;
    expect(message.startsWith('kloudless:')).toBe(true);
    const { id, data } = JSON.parse(message.slice('kloudless:'.length));
    expect(id).toBe('picker-req-1');
    expect(data).toMatchObject({ token_type: 'bearer', account_id: expect.any(Number), state: 'picker-req-1', scope: 'gdrive:normal.storage gdrive:normal.basic' });
    secrets.push(data.access_token);
    await api().get('/v1/accounts/me/storage/folders/root/contents').set('Authorization', `Bearer ${data.access_token}`).expect(200);

    // An origin the app did not register gets a page that posts nothing.
    const refusedPage = await fetch(popupUrl('https://evil.example'), { redirect: 'manual' });
    expect(refusedPage.status).toBe(400);
    expect(await refusedPage.text()).not.toContain('postMessage');
  });

  it('an app may bring its own OAuth client; its secret is stored sealed and never shown', async () => {
    const admin = (req: request.Test) => req.set('Authorization', `Bearer ${stack.adminToken}`);
    const own = provider.otherClient;
    await admin(api().put(`/v1/admin/apps/${other.id}/oauth_clients/nope`)).send({ client_id: 'x', client_secret: 'y' }).expect(400);
    const set = await admin(api().put(`/v1/admin/apps/${other.id}/oauth_clients/gdrive`)).send({ client_id: own.clientId, client_secret: own.clientSecret }).expect(200);
    expect(set.body).toMatchObject({ service: 'gdrive', client_id: own.clientId });
    expect(JSON.stringify(set.body)).not.toContain(own.clientSecret);
    const listed = await admin(api().get(`/v1/admin/apps/${other.id}/oauth_clients`)).expect(200);
    expect(listed.body.clients.map((c: { client_id: string }) => c.client_id)).toEqual([own.clientId]);
    expect(JSON.stringify(listed.body)).not.toContain(own.clientSecret);

    const redirect = 'http://127.0.0.1:1/other/done';
    await admin(api().put(`/v1/admin/apps/${other.id}/redirect_uris`)).send({ redirect_uris: [redirect] }).expect(200);
    const start = `${stack.gatewayUrl}/v1/oauth?${new URLSearchParams({ client_id: other.id, response_type: 'code', redirect_uri: redirect, scope: 'gdrive:normal.storage', state: 'own' })}`;
    const visited: URL[] = [];
    const back = await followRedirects(start, redirect, visited);
    expect(visited.find((u) => u.pathname === '/auth')?.searchParams.get('client_id')).toBe(own.clientId);
    const code = back.searchParams.get('code')!;
    secrets.push(code);
    expect((await provider.tokenClients()).at(-1)).toBe(own.clientId);
    const token = await api().post('/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: other.id, client_secret: other.apiKey }).expect(200);
    secrets.push(token.body.access_token);

    await admin(api().delete(`/v1/admin/apps/${other.id}/oauth_clients/gdrive`)).expect(204);
    await admin(api().delete(`/v1/admin/apps/${other.id}/oauth_clients/gdrive`)).expect(404);
  });

  it('deleting an account revokes its grant at the provider', async () => {
    const { body } = await connect('d9');
    const before = await provider.revocations();
    await api().delete(`/v1/accounts/${body.account_id}`).set('Authorization', `APIKey ${app.apiKey}`).expect(204);
    expect((await provider.revocations()) - before).toBe(1);
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


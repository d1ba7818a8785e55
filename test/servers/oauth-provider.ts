import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface TestOAuthProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A second registered client, as an app bringing its own would use. */
  otherClient: { clientId: string; clientSecret: string };
  /** How many times the token endpoint was called so far. */
  tokenCalls(): Promise<number>;
  /** The client_id of every token endpoint call so far. */
  tokenClients(): Promise<string[]>;
  /** How many token revocations (RFC 7009) succeeded. */
  revocations(): Promise<number>;
  /** Every access, refresh and id token the server issued. */
  issuedTokens(): Promise<string[]>;
  /** Withdraws every grant given so far, as a user revoking the app's access would. */
  revokeAll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts oidc-provider (ESM, so in its own process: test/servers/oauth-provider.server.mjs)
 * with one client whose redirect URI is ours, and returns its settings.
 */
export async function startOAuthProvider(opts: { redirectUri: string; accessTokenTtl?: number; user?: string }): Promise<TestOAuthProvider> {
  const clientId = 'unified-storage-test';
  const clientSecret = `test-client-secret-${Date.now()}`;
  const otherClient = { clientId: 'app-own-client', clientSecret: `app-own-secret-${Date.now()}` };
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oauth-provider.server.mjs'), JSON.stringify({ clientId, clientSecret, otherClientId: otherClient.clientId, otherClientSecret: otherClient.clientSecret, ...opts })], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('oauth-provider did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`oauth-provider exited with ${code}`)));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).issuer);
      }
    });
  });
  return {
    issuer,
    clientId,
    clientSecret,
    otherClient,
    tokenCalls: async () => ((await (await fetch(`${issuer}/_stats`)).json()) as { tokenCalls: number }).tokenCalls,
    tokenClients: async () => ((await (await fetch(`${issuer}/_stats`)).json()) as { tokenClients: string[] }).tokenClients,
    revocations: async () => ((await (await fetch(`${issuer}/_stats`)).json()) as { revocations: number }).revocations,
    issuedTokens: async () => ((await (await fetch(`${issuer}/_stats`)).json()) as { issued: string[] }).issued,
    revokeAll: async () => {
      await fetch(`${issuer}/_revoke_all`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** OAUTH_PROVIDERS_JSON entry pointing a service at this provider. */
export function providerEntry(p: TestOAuthProvider) {
  return {
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    authorizeUrl: `${p.issuer}/auth`,
    tokenUrl: `${p.issuer}/token`,
    userinfoUrl: `${p.issuer}/me`,
    revokeUrl: `${p.issuer}/token/revocation`,
    revokeWith: 'form' as const,
    scopes: ['openid', 'email', 'offline_access'],
    pkce: true,
    authorizeParams: { prompt: 'consent' },
  };
}

/**
 * Follows a browser's redirects from `start` (keeping the provider's cookies)
 * until one points below `stopPrefix`, and returns that URL without fetching
 * it. Every URL fetched on the way is pushed to `visited`.
 */
export async function followRedirects(start: string, stopPrefix: string, visited: URL[] = []): Promise<URL> {
  const end = await browse(start, stopPrefix, visited);
  if (end.page) throw new Error(`${end.url.pathname} answered ${end.page.status} without a redirect: ${end.page.body.slice(0, 300)}`);
  return end.url;
}

/** Follows redirects from `start` to the first page that is not one (the popup flow ends on a page of ours). */
export async function browseToPage(start: string): Promise<{ url: URL; status: number; body: string; contentType: string }> {
  const end = await browse(start, null, []);
  if (!end.page) throw new Error('the browse ended without a page');
  return { url: end.url, ...end.page };
}

async function browse(start: string, stopPrefix: string | null, visited: URL[]): Promise<{ url: URL; page?: { status: number; body: string; contentType: string } }> {
  const cookies = new Map<string, string>();
  let url = new URL(start);
  for (let hop = 0; hop < 15; hop++) {
    if (stopPrefix !== null && url.href.startsWith(stopPrefix)) return { url };
    visited.push(url);
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (!location) return { url, page: { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' } };
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}

/** Whether the provider still accepts `token` (its userinfo endpoint answers it): how a fake storage API checks tokens it did not issue. */
export async function providerAccepts(p: TestOAuthProvider, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const res = await fetch(`${p.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
  await res.body?.cancel();
  return res.ok;
}

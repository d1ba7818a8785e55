// A real OAuth 2.0 authorization server (oidc-provider) for the tests, run as
// its own process on loopback. One confidential client, short-lived access
// tokens, refresh-token rotation, and an interaction that signs a test user in
// and consents at once, so a test can follow redirects without a browser.
//
// Usage: node test/servers/oauth-provider.server.mjs <json options>
//   { clientId, clientSecret, otherClientId, otherClientSecret, redirectUri, accessTokenTtl?, user? }
// (the second client stands for an app that brings its own). Prints one line
// `{"issuer": "..."}` when listening. `GET /_stats` answers
// `{ tokenCalls, issued, tokenClients, revocations }`: how many times the token
// endpoint was called, the tokens it issued, the client of each token call and
// how many revocations it took; `POST /_revoke_all`
// withdraws every grant (as a user revoking the app's access would).
import http from 'node:http';
import Provider from 'oidc-provider';

const opts = JSON.parse(process.argv[2] ?? '{}');
const user = opts.user ?? 'test-user-1';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const client = (id, secret) => ({
  client_id: id,
  client_secret: secret,
  redirect_uris: [opts.redirectUri],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
});
const provider = new Provider(issuer, {
  clients: [client(opts.clientId, opts.clientSecret), client(opts.otherClientId, opts.otherClientSecret)],
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@example.test` }) }),
  claims: { openid: ['sub'], email: ['email'] },
  scopes: ['openid', 'email', 'offline_access', 'storage'],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: async () => true,
  ttl: { AccessToken: opts.accessTokenTtl ?? 60, AuthorizationCode: 60, RefreshToken: 3600, Grant: 3600, Interaction: 600, Session: 3600 },
  features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['test-cookie-key-not-secret'] },
});

let tokenCalls = 0;
let revocations = 0;
/** The client_id of each token endpoint call. */
const tokenClients = [];
const grantIds = [];
/** Every token this server issued, so a test can check none of them reached a log line. */
const issued = [];

/** Records the tokens in a token endpoint answer. */
function recordTokens(res) {
  const chunks = [];
  const { write, end } = res;
  res.write = function (chunk, ...rest) {
    if (chunk) chunks.push(Buffer.from(chunk));
    return write.call(this, chunk, ...rest);
  };
  res.end = function (chunk, ...rest) {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const k of ['access_token', 'refresh_token', 'id_token']) if (typeof body[k] === 'string') issued.push(body[k]);
    } catch {
      // not JSON: nothing issued
    }
    return end.call(this, chunk, ...rest);
  };
}
const handle = provider.callback();

/** Notes which client called the token endpoint (client_secret_post: it is in the form), leaving the body for the provider. */
function recordClient(req) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => tokenClients.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('client_id')));
}

/** Signs the test user in and grants every requested scope, then lets the provider continue. */
async function autoInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: user, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  const grantId = await grant.save();
  grantIds.push(grantId);
  await provider.interactionFinished(req, res, { login: { accountId: user }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

server.on('request', (req, res) => {
  if (req.url === '/_stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ tokenCalls, issued, tokenClients, revocations }));
    return;
  }
  if (req.method === 'POST' && req.url === '/_revoke_all') {
    // The user withdraws every consent: refresh tokens of those grants now fail with invalid_grant.
    Promise.all(grantIds.splice(0).map(async (id) => (await provider.Grant.find(id))?.destroy())).then(() => res.end('{}'));
    return;
  }
  if (req.url.startsWith('/interaction/')) {
    autoInteraction(req, res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
    return;
  }
  if (req.method === 'POST' && req.url === '/token') {
    tokenCalls += 1;
    recordTokens(res);
    recordClient(req);
  }
  if (req.method === 'POST' && req.url === '/token/revocation') {
    res.on('finish', () => {
      if (res.statusCode === 200) revocations += 1;
    });
  }
  handle(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);

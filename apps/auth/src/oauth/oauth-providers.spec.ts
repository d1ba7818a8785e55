import { oauthProvidersEnv, resolveProviders } from './oauth-providers';

describe('OAUTH_PROVIDERS_JSON', () => {
  it('fills in the published endpoints: an operator gives only client id and secret', () => {
    const providers = resolveProviders(oauthProvidersEnv.parse('{"gdrive":{"clientId":"id","clientSecret":"secret"}}'));
    expect(providers.gdrive).toMatchObject({ clientId: 'id', tokenUrl: 'https://oauth2.googleapis.com/token', pkce: true, authorizeParams: { access_type: 'offline', prompt: 'consent' } });
    expect(providers.dropbox).toBeUndefined();
  });

  it('lets a test or a private deployment point a service at other endpoints', () => {
    const providers = resolveProviders(oauthProvidersEnv.parse(JSON.stringify({ box: { clientId: 'i', clientSecret: 's', tokenUrl: 'http://127.0.0.1:1/token' } })));
    expect(providers.box?.tokenUrl).toBe('http://127.0.0.1:1/token');
    expect(providers.box?.authorizeUrl).toBe('https://account.box.com/api/oauth2/authorize');
  });

  it.each(['not json', '{"gdrive":{"clientId":"x"}}', '{"icloud":{"clientId":"x","clientSecret":"y"}}'])('refuses %s', (raw) => {
    expect(oauthProvidersEnv.safeParse(raw).success).toBe(false);
  });

  it('defaults to no providers', () => {
    expect(resolveProviders(oauthProvidersEnv.parse(undefined))).toEqual({});
  });
});

import { z } from 'zod';
import { envPieces, OAUTH_SERVICE_NAMES, type OAuthServiceName } from '@app/common';

/** One provider's OAuth 2.0 settings. */
export interface OAuthProvider {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Answers the upstream user's identity (`sub`/`id`, `email`/`name`) for an access token. */
  userinfoUrl: string;
  scopes: string[];
  /** Send a PKCE S256 challenge (every provider here supports it). */
  pkce: boolean;
  /** Extra authorize parameters, e.g. Google's `access_type=offline` to get a refresh token. */
  authorizeParams: Record<string, string>;
  /** Where a deleted account's grant is revoked, if the provider offers it. */
  revokeUrl?: string;
  /** `form`: RFC 7009 (the token and our client credentials in a form); `bearer`: a POST authorized by the access token itself (Dropbox). */
  revokeWith?: 'form' | 'bearer';
}

/** Published endpoints; an operator supplies only the client id and secret. */
const DEFAULTS: Record<OAuthServiceName, Omit<OAuthProvider, 'clientId' | 'clientSecret'>> = {
  gdrive: {
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    scopes: ['openid', 'email', 'https://www.googleapis.com/auth/drive'],
    pkce: true,
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    revokeWith: 'form',
  },
  dropbox: {
    authorizeUrl: 'https://www.dropbox.com/oauth2/authorize',
    tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    userinfoUrl: 'https://api.dropboxapi.com/2/openid/userinfo',
    scopes: ['openid', 'email', 'files.content.read', 'files.content.write', 'files.metadata.read'],
    pkce: true,
    authorizeParams: { token_access_type: 'offline' },
    revokeUrl: 'https://api.dropboxapi.com/2/auth/token/revoke',
    revokeWith: 'bearer',
  },
  box: {
    authorizeUrl: 'https://account.box.com/api/oauth2/authorize',
    tokenUrl: 'https://api.box.com/oauth2/token',
    userinfoUrl: 'https://api.box.com/2.0/users/me',
    scopes: [],
    pkce: false,
    authorizeParams: {},
    revokeUrl: 'https://api.box.com/oauth2/revoke',
    revokeWith: 'form',
  },
  skydrive: {
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    userinfoUrl: 'https://graph.microsoft.com/oidc/userinfo',
    scopes: ['openid', 'email', 'offline_access', 'Files.ReadWrite.All'],
    pkce: true,
    authorizeParams: {},
  },
};

const entrySchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  authorizeUrl: z.string().url().optional(),
  tokenUrl: z.string().url().optional(),
  userinfoUrl: z.string().url().optional(),
  scopes: z.array(z.string()).optional(),
  pkce: z.boolean().optional(),
  authorizeParams: z.record(z.string(), z.string()).optional(),
  revokeUrl: z.string().url().optional(),
  revokeWith: z.enum(['form', 'bearer']).optional(),
});

/** `OAUTH_PROVIDERS_JSON`: `{ "<service>": { clientId, clientSecret, ...overrides } }`; services left out cannot be connected. */
export const oauthProvidersEnv = envPieces.json(z.partialRecord(z.enum(OAUTH_SERVICE_NAMES), entrySchema));

export type OAuthProvidersConfig = z.output<typeof oauthProvidersEnv>;

/** The configured providers, defaults filled in. */
export function resolveProviders(config: OAuthProvidersConfig): Partial<Record<OAuthServiceName, OAuthProvider>> {
  const out: Partial<Record<OAuthServiceName, OAuthProvider>> = {};
  for (const service of OAUTH_SERVICE_NAMES) {
    const given = config[service];
    if (!given) continue;
    const d = DEFAULTS[service];
    out[service] = {
      clientId: given.clientId,
      clientSecret: given.clientSecret,
      authorizeUrl: given.authorizeUrl ?? d.authorizeUrl,
      tokenUrl: given.tokenUrl ?? d.tokenUrl,
      userinfoUrl: given.userinfoUrl ?? d.userinfoUrl,
      scopes: given.scopes ?? d.scopes,
      pkce: given.pkce ?? d.pkce,
      authorizeParams: given.authorizeParams ?? d.authorizeParams,
      revokeUrl: given.revokeUrl ?? d.revokeUrl,
      revokeWith: given.revokeWith ?? d.revokeWith,
    };
  }
  return out;
}

/** The published endpoints of `service`, for an app that brings its own client for a service the deployment did not configure. */
export function providerDefaults(service: OAuthServiceName): Omit<OAuthProvider, 'clientId' | 'clientSecret'> {
  return DEFAULTS[service];
}

import { z } from 'zod';
import type { SealedCredentials } from '../../crypto/credentials-transport';
import { defineContract } from '../envelope';
import { TOPICS } from '../topics';

/**
 * The OAuth connect flow (KLOUDLESS-API.md §2 "OAuth"). The gateway checks the
 * app (client_id, registered redirect URI, API key) and passes what it checked;
 * auth brokers the provider's side and owns states, codes and tokens.
 */

/** Where the browser goes next: a redirect, or (when no trusted redirect URI is known) a plain page. */
export type BrowserStep = { redirect: string } | { page: string };

const text = (max: number) => z.string().max(max);

/** `GET /v1/oauth`: the app's (already verified) redirect URI and its request, as sent. */
export const OAuthAuthorize = defineContract<BrowserStep>()(
  TOPICS.auth.oauthAuthorize,
  z.object({
    redirectUri: z.string().url().max(2048),
    responseType: text(32).optional(),
    scope: text(1024).optional(),
    state: text(2048).optional(),
  }),
);

/** `GET /v1/oauth/callback`: what the provider sent back to us. */
export const OAuthCallback = defineContract<BrowserStep>()(
  TOPICS.auth.oauthCallback,
  z.object({
    state: text(256).optional(),
    code: text(4096).optional(),
    error: text(256).optional(),
    errorDescription: text(1024).optional(),
  }),
);

export interface OAuthTokenReply {
  access_token: string;
  token_type: 'bearer';
  account_id: number;
  scope: string;
}

/** `POST /v1/oauth/token`: the app (authenticated by its API key at the gateway) exchanges a one-time code. */
export const OAuthToken = defineContract<OAuthTokenReply>()(
  TOPICS.auth.oauthToken,
  z.object({ code: z.string().min(1).max(256), redirectUri: z.string().min(1).max(2048) }),
);

/**
 * Connectors call this when the upstream answered 401 to the access token they
 * used (sent as its SHA-256 hex, never the token): auth refreshes it, at most
 * once per account at a time across all instances, or hands back the token a
 * peer refreshed meanwhile. Replies the account's credentials with the fresh token.
 * @throws service_unauthorized (401) when the user must reconnect the account
 */
export const OAuthRefresh = defineContract<SealedCredentials>()(
  TOPICS.auth.oauthRefresh,
  z.object({ accountId: z.number().int().positive(), usedTokenSha256: z.string().regex(/^[0-9a-f]{64}$/).optional() }),
);

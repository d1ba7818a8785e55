import { z } from 'zod';
import type { SealedCredentials } from '../../crypto/credentials-transport';
import { defineContract } from '../envelope';
import { TOPICS } from '../topics';
import { OAUTH_SERVICE_NAMES, type OAuthServiceName, type ServiceName } from './account.contract';

/**
 * The OAuth connect flow (KLOUDLESS-API.md §2 "OAuth"). The gateway checks the
 * app (client_id, registered redirect URI, API key) and passes what it checked;
 * auth brokers the provider's side and owns states, codes and tokens.
 */

/**
 * Where the browser goes next: a redirect, a plain page (when no trusted
 * redirect URI is known), or, in the File Picker's popup flow, a page that
 * posts `message` to the window that opened it, at exactly `origin`.
 */
export type BrowserStep = { redirect: string } | { page: string } | { popup: { origin: string; message: string } } | { form: ConnectForm };

/**
 * The connect form of a credential-based service (S3, SFTP, …), shown where an
 * OAuth service would send the user to its provider. `state` is a fresh,
 * single-use flow state: the form posts it back, so only a form we issued can
 * connect an account. `error` is the reason the last submission was refused.
 */
export interface ConnectForm {
  service: FormServiceName;
  state: string;
  error?: string;
}

/**
 * Credential-based services a user may connect through the connect form. Not
 * `local`: a local account is a folder of the app's own directory on this
 * server, for the app itself, not something an end user should reach.
 */
export const FORM_SERVICE_NAMES = ['s3', 's3_compatible', 'azure', 'webdav', 'sftp', 'ftp'] as const satisfies readonly ServiceName[];
export type FormServiceName = (typeof FORM_SERVICE_NAMES)[number];

/** The redirect URI of the popup flow (RFC 8252's out-of-band URI): the result goes back by postMessage. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

const text = (max: number) => z.string().max(max);

/** `GET /v1/oauth`: the app's (already verified) redirect URI and its request, as sent. */
export const OAuthAuthorize = defineContract<BrowserStep>()(
  TOPICS.auth.oauthAuthorize,
  z.object({
    redirectUri: z.string().url().max(2048),
    responseType: text(32).optional(),
    scope: text(1024).optional(),
    state: text(2048).optional(),
    /** Popup flow: the app's registered origin the result is posted to, and the picker's request id. */
    origin: z.string().url().max(2048).optional(),
    requestId: text(256).optional(),
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

/** An app's own OAuth client for a service, as the admin API shows it (never the secret). */
export interface PublicOAuthClient {
  service: OAuthServiceName;
  client_id: string;
  created: string;
  modified: string;
}

const oauthService = z.enum(OAUTH_SERVICE_NAMES);

/** The admin API sets the calling app's (envelope `appId`) own client for a service; the secret is sealed at rest. */
export const OAuthClientSet = defineContract<PublicOAuthClient>()(
  TOPICS.auth.oauthClientSet,
  z.object({ service: oauthService, clientId: z.string().min(1).max(512), clientSecret: z.string().min(1).max(1024) }),
);

export const OAuthClientList = defineContract<{ clients: PublicOAuthClient[] }>()(TOPICS.auth.oauthClientList, z.object({}));

export const OAuthClientDelete = defineContract<{ deleted: true }>()(TOPICS.auth.oauthClientDelete, z.object({ service: oauthService }));

/** The OAuth services the app can connect: configured for the deployment, or with a client of the app's own. */
export const OAuthServices = defineContract<{ services: OAuthServiceName[] }>()(TOPICS.auth.oauthServices, z.object({}));

/**
 * The connect form was submitted: `state` is the one the form carried (consumed
 * here, whatever the outcome), `config` the service's fields. Replies the next
 * browser step: the form again with the error and a new state, or the end of
 * the flow (popup message or redirect with a code), exactly as after an OAuth
 * provider. The envelope's appId is not trusted: the state names the app.
 */
export const OAuthFormSubmit = defineContract<BrowserStep>()(
  TOPICS.auth.oauthFormSubmit,
  z.object({ state: z.string().min(1).max(256), config: z.record(z.string(), z.unknown()) }),
);

import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  ACCOUNT_CONNECTED, ACCOUNT_RECOVERED, AppError, CONFIG, digestBearerToken, EVENT_PUBLISHER, EventPublisher, LOGGER, SecretBox,
  FORM_SERVICE_NAMES, OOB_REDIRECT_URI, type AccountConnectedData, type AccountRecoveredData, type BrowserStep, type FormServiceName, type MessageMeta,
  type OAuthServiceName, type OAuthTokenReply,
} from '@app/common';
import { AccountService } from '../accounts/account.service';
import { AccountRepository } from '../accounts/account.repository';
import { toPublicAccount } from '../accounts/account.mapper';
import type { AuthConfig } from '../auth.config';
import { AccessTokenService } from '../tokens/access-token.service';
import { OAuthFlowRepository } from './oauth-flow.repository';
import { OAuthProviderClient, ProviderCallError } from './oauth-provider.client';
import { OAuthClients } from './oauth-clients.service';

/** States and codes live this long (RFC 6749 §4.1.2: codes should be short-lived, 10 minutes at most). */
const FLOW_TTL_MS = 10 * 60_000;

/** An RFC 6749 §4.1.2.1 error, sent to the app's redirect URI. */
class FlowError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description);
  }
}

/**
 * The connect flow, brokered by us: the app's user goes to the provider with
 * our `state` (and a PKCE challenge), comes back to our callback, and we send
 * them on to the app's redirect URI with a one-time `code` the app exchanges
 * for a Bearer token. Every failure after the redirect URI is known ends there
 * with `error` and `error_description`.
 */
@Injectable()
export class OAuthService {
  constructor(
    private readonly flow: OAuthFlowRepository,
    private readonly accounts: AccountRepository,
    private readonly tokens: AccessTokenService,
    private readonly client: OAuthProviderClient,
    private readonly clients: OAuthClients,
    private readonly accountService: AccountService,
    private readonly secrets: SecretBox,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
    @Inject(CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * `GET /v1/oauth`: the redirect URI (or, in the popup flow, the origin) has
   * been checked against the app's registered ones by the gateway.
   */
  async authorize(meta: MessageMeta, req: { redirectUri: string; responseType?: string; scope?: string; state?: string; origin?: string; requestId?: string }): Promise<BrowserStep> {
    const back = backTo(req.redirectUri, req.state ?? null, req.origin ?? null, req.requestId ?? null);
    try {
      const expected = back.popup ? 'token' : 'code';
      if (req.responseType !== expected) {
        throw new FlowError('unsupported_response_type', back.popup
          ? 'The popup flow (redirect_uri=urn:ietf:wg:oauth:2.0:oob) takes response_type=token.'
          : 'Use response_type=code with a redirect URI (response_type=token is the File Picker popup flow, with redirect_uri=urn:ietf:wg:oauth:2.0:oob).');
      }
      const scope = req.scope?.trim() || 'all';
      const formService = formServiceIn(scope);
      if (formService) {
        // A credential-based service: our own form takes the provider's place, and its submission the callback's.
        const { state } = await this.newState(meta.appId, formService, back, scope);
        this.logger.info({ appId: meta.appId, service: formService }, 'auth.oauth.form');
        return { form: { service: formService, state } };
      }
      const service = await this.serviceFor(meta.appId, scope);
      const provider = (await this.clients.providerFor(meta.appId, service))!;
      const { state, verifier } = await this.newState(meta.appId, service, back, scope);
      const url = new URL(provider.authorizeUrl);
      const params: Record<string, string> = {
        ...provider.authorizeParams,
        response_type: 'code', client_id: provider.clientId, redirect_uri: this.config.OAUTH_CALLBACK_URL, state,
      };
      if (provider.scopes.length) params.scope = provider.scopes.join(' ');
      if (provider.pkce) Object.assign(params, { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      this.logger.info({ appId: meta.appId, service }, 'auth.oauth.authorize');
      return { redirect: url.toString() };
    } catch (err) {
      return this.failTo(back, err);
    }
  }

  /** `GET /v1/oauth/callback`: the provider sent the user back. */
  async callback(meta: Pick<MessageMeta, 'requestId'>, req: { state?: string; code?: string; error?: string; errorDescription?: string }): Promise<BrowserStep> {
    const row = req.state ? await this.flow.consumeState(digestBearerToken(req.state)) : null;
    if (!row) {
      // No trusted redirect URI: never redirect on an unknown state.
      return { page: 'This sign-in link is unknown, expired (10 minutes) or was already used. Start connecting the account again from the app.' };
    }
    const back = backTo(row.redirectUri, row.appState, row.popupOrigin, row.popupRequestId);
    try {
      if (req.error) {
        const error = req.error === 'access_denied' ? 'access_denied' : 'server_error';
        throw new FlowError(error, req.errorDescription?.slice(0, 200) || `The ${row.service} sign-in ended with "${req.error.slice(0, 64)}".`);
      }
      if (!req.code) throw new FlowError('server_error', `The ${row.service} sign-in returned no authorization code.`);
      const service = row.service as OAuthServiceName;
      const provider = await this.clients.providerFor(row.appId, service);
      if (!provider) throw new FlowError('server_error', `The ${service} service is no longer configured.`);
      const verifier = provider.pkce ? this.secrets.open<string>(row.codeVerifierSealed) : undefined;
      const tokens = await this.client.exchangeCode(provider, req.code, this.config.OAUTH_CALLBACK_URL, verifier);
      const user = await this.client.userinfo(provider, tokens.accessToken);
      const app = { appId: row.appId };
      const { account, created, recovered } = await this.accounts.upsertOAuth(app, {
        service, upstreamUserId: user.id, displayName: user.name, configSealed: this.secrets.seal({ oauth: tokens }),
      });
      if (created) {
        await this.events.publish<AccountConnectedData>(ACCOUNT_CONNECTED, { appId: row.appId, requestId: meta.requestId }, account.id, { account: toPublicAccount(account) });
      }
      if (recovered) {
        await this.events.publish<AccountRecoveredData>(ACCOUNT_RECOVERED, { appId: row.appId, requestId: meta.requestId }, account.id, { account: toPublicAccount(account) });
      }
      this.logger.info({ appId: row.appId, service, accountId: account.id, created, popup: back.popup !== null }, 'auth.oauth.connected');
      return await this.connected(back, row, account.id);
    } catch (err) {
      return this.failTo(back, err);
    }
  }

  /**
   * The connect form came back: its state is consumed whatever happens, the
   * fields are checked and stored exactly like `POST /v1/accounts`, and the
   * flow ends as after a provider. A refused submission shows the form again
   * with the reason and a new state.
   */
  async submitForm(meta: Pick<MessageMeta, 'requestId' | 'traceparent'>, req: { state: string; config: Record<string, unknown> }): Promise<BrowserStep> {
    const row = await this.flow.consumeState(digestBearerToken(req.state));
    const service = FORM_SERVICE_NAMES.find((s) => s === row?.service);
    if (!row || !service) {
      return { page: 'This form is unknown, expired (10 minutes) or was already sent. Start connecting the account again from the app.' };
    }
    const back = backTo(row.redirectUri, row.appState, row.popupOrigin, row.popupRequestId);
    const accountMeta: MessageMeta = { requestId: meta.requestId, appId: row.appId, ...(meta.traceparent ? { traceparent: meta.traceparent } : {}) };
    let accountId: number;
    try {
      accountId = (await this.accountService.create(accountMeta, { service, config: req.config })).id;
    } catch (err) {
      const refused = err instanceof AppError && err.statusCode < 500;
      if (!refused) this.logger.error({ appId: row.appId, service, err: err instanceof AppError ? err.code : String(err) }, 'auth.oauth.form.error');
      else this.logger.info({ appId: row.appId, service, error: err.code }, 'auth.oauth.form.refused');
      const { state } = await this.newState(row.appId, service, back, row.scope);
      const error = refused ? err.message : 'The service could not be reached to check these settings; try again shortly.';
      return { form: { service, state, error } };
    }
    this.logger.info({ appId: row.appId, service, accountId, popup: back.popup !== null }, 'auth.oauth.connected');
    return this.connected(back, row, accountId);
  }

  /** The end of a successful flow: the popup's token, or a one-time code for the app's redirect URI. */
  private async connected(back: BackTo, row: { appId: string; redirectUri: string; scope: string }, accountId: number): Promise<BrowserStep> {
    const app = { appId: row.appId };
    if (back.popup) {
      // The implicit grant of the popup flow: the token goes straight to the registered origin.
      const accessToken = await this.tokens.issue(app, accountId, row.scope);
      return deliver(back, { access_token: accessToken, token_type: 'bearer', account_id: accountId, scope: row.scope });
    }
    const code = randomBytes(32).toString('base64url');
    await this.flow.insertCode(app, { codeSha256: digestBearerToken(code), accountId, redirectUri: row.redirectUri, scope: row.scope, expiresAt: new Date(Date.now() + FLOW_TTL_MS) });
    return deliver(back, { code });
  }

  /** A new single-use state (10 minutes) for the app, service and destination of a flow. */
  private async newState(appId: string, service: string, back: BackTo, scope: string): Promise<{ state: string; verifier: string }> {
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    await this.flow.insertState({
      stateSha256: digestBearerToken(state), appId, service, redirectUri: back.redirectUri, appState: back.appState,
      scope, codeVerifierSealed: this.secrets.seal(verifier), expiresAt: new Date(Date.now() + FLOW_TTL_MS),
      popupOrigin: back.popup?.origin ?? null, popupRequestId: back.popup?.requestId ?? null,
    });
    return { state, verifier };
  }

  /** `POST /v1/oauth/token`: the app (authenticated by the gateway) exchanges a one-time code for a Bearer token. */
  async token(meta: MessageMeta, req: { code: string; redirectUri: string }): Promise<OAuthTokenReply> {
    const row = await this.flow.consumeCode(meta, digestBearerToken(req.code));
    if (!row) throw new AppError('bad_request', 'The authorization code is invalid, expired or already used.');
    if (row.redirectUri !== req.redirectUri) throw new AppError('bad_request', 'redirect_uri does not match the one the code was issued for.');
    const accessToken = await this.tokens.issue(meta, row.accountId, row.scope);
    return { access_token: accessToken, token_type: 'bearer', account_id: row.accountId, scope: row.scope };
  }

  /** `<service>:normal.storage` names a service; `all` / `any.storage` mean "the one configured", if there is exactly one. */
  private async serviceFor(appId: string, scope: string): Promise<OAuthServiceName> {
    const named = servicesNamed(scope);
    const configured = await this.clients.servicesFor(appId);
    if (named.size > 1) throw new FlowError('invalid_scope', 'The scope names more than one service; connect one at a time.');
    if (named.size === 1) {
      const service = [...named][0] as OAuthServiceName;
      if (!configured.includes(service)) throw new FlowError('invalid_scope', `The "${service.slice(0, 32)}" service cannot be connected through OAuth here.`);
      return service;
    }
    if (configured.length === 1) return configured[0];
    throw new FlowError('invalid_scope', configured.length ? `Name a service in the scope, e.g. "${configured[0]}:normal.storage".` : 'No OAuth service is configured.');
  }

  private failTo(back: BackTo, err: unknown): BrowserStep {
    let flow: FlowError;
    if (err instanceof FlowError) flow = err;
    else if (err instanceof ProviderCallError) flow = new FlowError('server_error', `The sign-in could not be completed: ${err.message}.`);
    else {
      this.logger.error({ err: String(err) }, 'auth.oauth.error');
      flow = new FlowError('server_error', 'The sign-in could not be completed.');
    }
    this.logger.warn({ error: flow.error }, 'auth.oauth.failed');
    return deliver(back, { error: flow.error, error_description: flow.description });
  }
}

/** Where a flow's result goes: the app's redirect URI, or (popup flow) a message to the app's origin. */
interface BackTo {
  redirectUri: string;
  appState: string | null;
  popup: { origin: string; requestId: string } | null;
}

/** The services a scope names (`s3:normal.storage s3:normal.basic` → s3). */
function servicesNamed(scope: string): Set<string> {
  return new Set(scope.split(/[\s,]+/).filter((s) => s.includes(':')).map((s) => s.split(':')[0]));
}

/** The credential-based service a scope names alone, if it does. */
function formServiceIn(scope: string): FormServiceName | undefined {
  const named = servicesNamed(scope);
  return named.size === 1 ? FORM_SERVICE_NAMES.find((s) => named.has(s)) : undefined;
}

function backTo(redirectUri: string, appState: string | null, origin: string | null, requestId: string | null): BackTo {
  const popup = redirectUri === OOB_REDIRECT_URI && origin ? { origin, requestId: requestId ?? '' } : null;
  return { redirectUri, appState, popup };
}

/**
 * The result with the app's `state`: as query parameters on the redirect URI,
 * or as the message the Kloudless File Picker waits for
 * (`kloudless:{"id": <request_id>, "data": {...}}`).
 */
function deliver(back: BackTo, result: Record<string, string | number>): BrowserStep {
  const params: Record<string, string | number> = back.appState === null ? result : { ...result, state: back.appState };
  if (back.popup) return { popup: { origin: back.popup.origin, message: `kloudless:${JSON.stringify({ id: back.popup.requestId, data: params })}` } };
  const url = new URL(back.redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  return { redirect: url.toString() };
}

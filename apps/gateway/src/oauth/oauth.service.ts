import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import {
  AppError, FORM_SERVICE_NAMES, InvalidParametersError, OAuthAuthorize, OAuthFormSubmit, OOB_REDIRECT_URI, OAuthCallback, OAuthToken, RPC_CLIENT, RpcClient,
  type BrowserStep, type OAuthTokenReply,
} from '@app/common';
import { configFromForm, formValues } from './connect-form.fields';
import { parseAuthorization } from '../access/access.guard';
import { BearerGrants } from '../access/bearer-grants.service';
import { AppService } from '../apps/app.service';
import { AuthFailures } from '../rate-limit/auth-failures.service';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The gateway's half of the OAuth endpoints (KLOUDLESS-API.md §2): it checks
 * the app (client_id, exact registered redirect URI, API key) and hands the
 * rest to auth. Browser steps never end on a JSON page: a redirect to the app
 * with `error`/`error_description`, or a short page when no redirect URI can be
 * trusted (RFC 6749 §4.1.2.1 forbids redirecting to an unverified one).
 */
@Injectable()
export class OAuthGatewayService {
  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    private readonly apps: AppService,
    private readonly bearer: BearerGrants,
    private readonly failures: AuthFailures,
  ) {}

  async authorize(query: Record<string, unknown>, requestId: string): Promise<BrowserStep> {
    const clientId = str(query.client_id);
    const redirectUri = str(query.redirect_uri);
    const origin = str(query.origin);
    // The popup flow posts its result to `origin`, which must be one the app registered; the others redirect to a registered URI.
    const popup = redirectUri === OOB_REDIRECT_URI;
    const trusted = clientId && redirectUri && redirectUri.length <= 2048 && (popup
      ? origin !== undefined && origin.length <= 512 && (await this.apps.isRegistered(clientId, 'origin', origin))
      : await this.apps.isRegistered(clientId, 'redirect_uri', redirectUri));
    if (!trusted) {
      return { page: popup
        ? 'The app sent an unknown client_id, or an origin it has not registered. Nothing was connected; please close this window.'
        : 'The app sent an unknown client_id, or a redirect_uri it has not registered. Nothing was connected; please go back to the app.' };
    }
    const state = str(query.state)?.slice(0, 2048);
    const popupRequestId = str(query.request_id)?.slice(0, 256);
    try {
      return await this.rpc.call(OAuthAuthorize, { requestId, appId: clientId }, {
        redirectUri, responseType: str(query.response_type), scope: str(query.scope)?.slice(0, 1024), state,
        ...(popup ? { origin, requestId: popupRequestId } : {}),
      });
    } catch {
      const description = 'The sign-in service is not available; try again shortly.';
      if (popup) return { popup: { origin: origin!, message: `kloudless:${JSON.stringify({ id: popupRequestId ?? '', data: { error: 'temporarily_unavailable', error_description: description, state } })}` } };
      return { redirect: withError(redirectUri, 'temporarily_unavailable', description, state) };
    }
  }

  async callback(query: Record<string, unknown>, requestId: string): Promise<BrowserStep> {
    try {
      // The app is known only once auth has found the state; the envelope's appId is not used.
      return await this.rpc.call(OAuthCallback, { requestId, appId: 'unauthenticated' }, {
        state: str(query.state)?.slice(0, 256), code: str(query.code)?.slice(0, 4096),
        error: str(query.error)?.slice(0, 256), errorDescription: str(query.error_description)?.slice(0, 1024),
      });
    } catch {
      return { page: 'The sign-in could not be completed because a service is not available. Please start again from the app.' };
    }
  }

  /**
   * The connect form came back. Its hidden `state` is the only key (auth
   * consumes it and knows the app); `service` says which fields to read.
   * Returns the next step and the non-secret values to show again on a refusal.
   * A refusal counts as a failed authentication of the client's address, so the
   * form cannot be used to guess someone's credentials at speed.
   */
  async submitForm(req: Request): Promise<{ step: BrowserStep; values?: Record<string, string> }> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await this.failures.assertAllowed(req);
    } catch {
      return { step: { page: 'Too many refused attempts from this address. Wait a minute, then start connecting the account again from the app.' } };
    }
    const state = str(body.state);
    const service = FORM_SERVICE_NAMES.find((s) => s === body.service);
    if (!state || !service) {
      return { step: { page: 'This form is incomplete. Start connecting the account again from the app.' } };
    }
    try {
      const step = await this.rpc.call(OAuthFormSubmit, { requestId: req.requestId, appId: 'unauthenticated' }, { state: state.slice(0, 256), config: configFromForm(service, body) });
      if ('form' in step && step.form.error) await this.failures.record(req);
      return { step, values: formValues(service, body) };
    } catch {
      return { step: { page: 'The account could not be connected because a service is not available. Please start again from the app.' } };
    }
  }

  /**
   * `POST /v1/oauth/token`: the app authenticates with `client_secret` (its API
   * key) in the form body or `Authorization: APIKey`, and `client_id` must be its id.
   */
  async token(req: Request): Promise<OAuthTokenReply> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (str(body.grant_type) !== 'authorization_code') throw new InvalidParametersError('grant_type must be "authorization_code".');
    const header = parseAuthorization(req.header('authorization'));
    const key = str(body.client_secret) ?? (header?.scheme === 'apikey' ? header.credential : undefined);
    if (!key) throw new AppError('authentication_required', 'Send the API key as client_secret (or "Authorization: APIKey <key>").');
    const appId = await this.apps.appIdForKey(key);
    const clientId = str(body.client_id);
    if (!appId || (clientId !== undefined && clientId !== appId)) throw new AppError('unauthorized', 'client_id and client_secret do not match an app.');
    const code = str(body.code);
    const redirectUri = str(body.redirect_uri);
    if (!code || !redirectUri) throw new InvalidParametersError('code and redirect_uri are required.');
    req.caller = { appId };
    return this.rpc.call(OAuthToken, { requestId: req.requestId, appId }, { code: code.slice(0, 256), redirectUri: redirectUri.slice(0, 2048) });
  }

  /** `GET /v1/oauth/token` with a Bearer token: what it grants. A bad token is a 400 (kloudless-js reads 400 as "invalid token"). */
  async verify(req: Request): Promise<{ client_id: string; account_id: number; scope: string }> {
    const auth = parseAuthorization(req.header('authorization'));
    if (auth?.scheme !== 'bearer') throw new AppError('bad_request', 'Send the token to verify as "Authorization: Bearer <token>".');
    let grant;
    try {
      grant = await this.bearer.grantFor(auth.credential, req.requestId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_token') throw new AppError('bad_request', 'The token is invalid or has been revoked.');
      throw err;
    }
    req.caller = { appId: grant.appId, accountId: grant.accountId };
    return { client_id: grant.appId, account_id: grant.accountId, scope: grant.scope };
  }
}

function withError(uri: string, error: string, description: string, state: string | undefined): string {
  const url = new URL(uri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  return url.toString();
}

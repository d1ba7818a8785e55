import { Injectable } from '@nestjs/common';
import type { OAuthProvider } from './oauth-providers';

export interface ProviderTokens {
  accessToken: string;
  refreshToken?: string;
  /** ISO time the access token expires, when the provider said. */
  expiresAt?: string;
  /** ISO time we received it (the token's lifetime is expiresAt − obtainedAt). */
  obtainedAt?: string;
  scope?: string;
}

export interface UpstreamUser {
  id: string;
  name: string;
}

/** Why a provider call failed, in words safe to show (never a token, code or secret). */
export class ProviderCallError extends Error {}

/** The provider refused the grant (RFC 6749 §5.2 `invalid_grant`): the refresh token is revoked, expired or already rotated. */
export class InvalidGrantError extends ProviderCallError {}

const TIMEOUT_MS = 10_000;

/**
 * Plain RFC 6749 HTTP to a provider's token and userinfo endpoints (ADR:
 * oauth-connect-flow). Client credentials go in the form body
 * (`client_secret_post`), which every provider here accepts.
 */
@Injectable()
export class OAuthProviderClient {
  async exchangeCode(provider: OAuthProvider, code: string, redirectUri: string, codeVerifier?: string): Promise<ProviderTokens> {
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: provider.clientId, client_secret: provider.clientSecret };
    if (codeVerifier) form.code_verifier = codeVerifier;
    return this.tokens(await this.post(provider.tokenUrl, form));
  }

  /** Trades a refresh token for new tokens; a provider that rotates refresh tokens sends a new one. @throws InvalidGrantError */
  async refresh(provider: OAuthProvider, refreshToken: string): Promise<ProviderTokens> {
    const form = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: provider.clientId, client_secret: provider.clientSecret };
    return this.tokens(await this.post(provider.tokenUrl, form));
  }

  /**
   * Withdraws the grant behind `tokens` (the refresh token where there is one,
   * which ends the whole grant), where the provider offers revocation.
   * @returns false when the provider has no revocation endpoint
   */
  async revoke(provider: OAuthProvider, tokens: ProviderTokens): Promise<boolean> {
    if (!provider.revokeUrl) return false;
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (provider.revokeWith === 'bearer') {
      headers.Authorization = `Bearer ${tokens.accessToken}`;
    } else {
      const token = tokens.refreshToken ?? tokens.accessToken;
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ token, token_type_hint: tokens.refreshToken ? 'refresh_token' : 'access_token', client_id: provider.clientId, client_secret: provider.clientSecret }).toString();
    }
    const res = await fetch(provider.revokeUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) })
      .catch(() => { throw new ProviderCallError('the revocation endpoint could not be reached'); });
    await res.body?.cancel();
    if (!res.ok) throw new ProviderCallError(`the revocation endpoint answered ${res.status}`);
    return true;
  }

  private tokens(body: Record<string, unknown>): ProviderTokens {
    if (typeof body.access_token !== 'string') throw new ProviderCallError('the token endpoint answered without an access token');
    return {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
      expiresAt: typeof body.expires_in === 'number' ? new Date(Date.now() + body.expires_in * 1000).toISOString() : undefined,
      obtainedAt: new Date().toISOString(),
      scope: typeof body.scope === 'string' ? body.scope : undefined,
    };
  }

  async userinfo(provider: OAuthProvider, accessToken: string): Promise<UpstreamUser> {
    const res = await fetch(provider.userinfoUrl, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) })
      .catch(() => { throw new ProviderCallError('the userinfo endpoint could not be reached'); });
    if (!res.ok) throw new ProviderCallError(`the userinfo endpoint answered ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const id = body.sub ?? body.id ?? body.account_id;
    if (typeof id !== 'string' && typeof id !== 'number') throw new ProviderCallError('the userinfo endpoint did not name the user');
    const name = [body.email, body.login, body.name].find((v) => typeof v === 'string' && v) as string | undefined;
    return { id: String(id), name: name ?? String(id) };
  }

  private async post(url: string, form: Record<string, string>): Promise<Record<string, unknown>> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch(() => { throw new ProviderCallError('the token endpoint could not be reached'); });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const error = typeof body.error === 'string' ? body.error.slice(0, 64) : `HTTP ${res.status}`;
      if (error === 'invalid_grant') throw new InvalidGrantError('the token endpoint refused the grant (invalid_grant)');
      throw new ProviderCallError(`the token endpoint refused the request (${error})`);
    }
    return body;
  }
}

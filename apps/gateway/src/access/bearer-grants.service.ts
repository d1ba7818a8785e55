import { Inject, Injectable } from '@nestjs/common';
import { digestBearerToken, ForbiddenError, RPC_CLIENT, RpcClient, TokenIntrospect, type TokenGrant } from '@app/common';

/** How long a verified token's grant is kept by one gateway instance: a revoked token stops working within this. */
export const BEARER_CACHE_MS = 5_000;

/**
 * What a Bearer token grants, asked from auth (by digest: the token itself
 * never crosses the broker) and kept for BEARER_CACHE_MS so a burst of calls
 * costs one round trip. Deleting an account through this instance drops its
 * grants at once; other instances notice within BEARER_CACHE_MS.
 */
@Injectable()
export class BearerGrants {
  private readonly cache = new Map<string, { grant: TokenGrant; expires: number }>();

  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  /** @throws invalid_token (401) for an unknown or revoked token */
  async grantFor(token: string, requestId: string): Promise<TokenGrant> {
    const digest = digestBearerToken(token);
    const hit = this.cache.get(digest);
    if (hit && hit.expires > Date.now()) return hit.grant;
    this.cache.delete(digest);
    // The app is not known until auth answers; the envelope's appId is ignored by this contract.
    const grant = await this.rpc.call(TokenIntrospect, { requestId, appId: 'unauthenticated' }, { tokenSha256: digest });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(digest, { grant, expires: Date.now() + BEARER_CACHE_MS });
    return grant;
  }

  /** Drops the cached grants of a deleted account. */
  forgetAccount(appId: string, accountId: number): void {
    for (const [digest, { grant }] of this.cache) {
      if (grant.appId === appId && grant.accountId === accountId) this.cache.delete(digest);
    }
  }
}

/**
 * The `{accountId}` a Bearer token may use: `me` or its own id. Anything else
 * (another account, a route without an account) is 403: the token is valid,
 * it just does not reach there. @returns the numeric account id to route to
 */
export function bearerAccountPath(grant: TokenGrant, pathAccountId: string | undefined): string {
  if (pathAccountId === undefined) {
    throw new ForbiddenError('A Bearer token authorizes calls on its own account only (/v1/accounts/me/...); use the API key for app-wide calls.');
  }
  if (pathAccountId === 'me' || pathAccountId === String(grant.accountId)) return String(grant.accountId);
  throw new ForbiddenError(`This Bearer token is for account ${grant.accountId}; it does not authorize account ${pathAccountId.slice(0, 32)}.`);
}

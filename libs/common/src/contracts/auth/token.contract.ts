import { z } from 'zod';
import { defineContract } from '../envelope';
import { TOPICS } from '../topics';

/** What a Bearer token grants: one account of one app. */
export interface TokenGrant {
  appId: string;
  accountId: number;
  scope: string;
}

/**
 * The gateway asks auth what a Bearer token grants. It sends the token's
 * SHA-256 digest (hex), never the token itself, so tokens do not cross the
 * broker. The envelope's `appId` is not known yet at this point and is ignored.
 * @throws invalid_token (401) for an unknown or revoked token.
 */
export const TokenIntrospect = defineContract<TokenGrant>()(
  TOPICS.auth.tokenIntrospect,
  z.object({ tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256 digest') }),
);

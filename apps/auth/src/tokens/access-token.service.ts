import { Injectable } from '@nestjs/common';
import { AppError, digestBearerToken, generateBearerToken, type MessageMeta, type TokenGrant } from '@app/common';
import { AccessTokenRepository } from './access-token.repository';

/** Bearer tokens we issue: random, stored as digests, one account each. */
@Injectable()
export class AccessTokenService {
  constructor(private readonly tokens: AccessTokenRepository) {}

  /** A new token for one account of the calling app. The token is returned once and never stored. */
  async issue(scope: Pick<MessageMeta, 'appId'>, accountId: number, grantScope: string): Promise<string> {
    const token = generateBearerToken();
    await this.tokens.insert(scope, { tokenSha256: digestBearerToken(token), accountId, scope: grantScope });
    return token;
  }

  /** @throws invalid_token (401) for an unknown or revoked token */
  async introspect(tokenSha256: string): Promise<TokenGrant> {
    const row = await this.tokens.findActive(tokenSha256);
    if (!row) throw new AppError('invalid_token', 'The bearer token is invalid or has been revoked.');
    return { appId: row.appId, accountId: row.accountId, scope: row.scope };
  }
}

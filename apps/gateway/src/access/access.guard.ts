import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, CONFIG, secretsEqual } from '@app/common';
import { AppService } from '../apps/app.service';
import type { GatewayConfig } from '../gateway.config';
import { AuthFailures } from '../rate-limit/auth-failures.service';
import { ACCESS_KEY, BEARER_SEES_OWN_KEY, type AccessLevel } from './access.decorator';
import { bearerAccountPath, BearerGrants } from './bearer-grants.service';

/**
 * Reads `Authorization: <scheme> <credential>`. Scheme names match
 * case-insensitively: kloudless-python sends `APIKey`, kloudless-node `ApiKey`.
 */
export function parseAuthorization(header: string | undefined): { scheme: string; credential: string } | null {
  const match = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(header ?? '');
  return match ? { scheme: match[1].toLowerCase(), credential: match[2] } : null;
}

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apps: AppService,
    private readonly bearer: BearerGrants,
    private readonly failures: AuthFailures,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'app';
    // `oauth` routes authenticate inside the handler (credentials in the form body or their own Bearer check).
    if (level === 'public' || level === 'oauth') return true;
    // An address that failed too often this minute is refused before any credential is checked.
    const req = context.switchToHttp().getRequest<Request>();
    await this.failures.assertAllowed(req);
    try {
      return await this.authenticate(context, level);
    } catch (err) {
      if (err instanceof AppError && ['unauthorized', 'invalid_token', 'authentication_required'].includes(err.code)) await this.failures.record(req);
      throw err;
    }
  }

  private async authenticate(context: ExecutionContext, level: Exclude<AccessLevel, 'public' | 'oauth'>): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const auth = parseAuthorization(req.header('authorization'));
    if (!auth) throw new AppError('authentication_required', 'An Authorization header is required: "APIKey <key>" or "Bearer <token>".');

    if (level === 'admin') {
      if (auth.scheme === 'bearer' && secretsEqual(auth.credential, this.config.ADMIN_TOKEN)) return true;
      throw new AppError('unauthorized', 'The admin token is invalid.');
    }
    if (auth.scheme === 'apikey') {
      const appId = await this.apps.appIdForKey(auth.credential);
      if (!appId) throw new AppError('unauthorized', 'The API key is invalid.');
      req.caller = { appId };
      return true;
    }
    if (auth.scheme === 'bearer') {
      // One account only: `me` and the token's own id route to it (the path is rewritten to the number), anything else is 403.
      const grant = await this.bearer.grantFor(auth.credential, req.requestId);
      const seesOwn = this.reflector.getAllAndOverride<boolean>(BEARER_SEES_OWN_KEY, [context.getHandler(), context.getClass()]);
      if (seesOwn && req.params?.accountId === undefined) {
        req.caller = { appId: grant.appId, accountId: grant.accountId };
        return true;
      }
      req.params.accountId = bearerAccountPath(grant, req.params?.accountId as string | undefined);
      req.caller = { appId: grant.appId, accountId: grant.accountId };
      return true;
    }
    throw new AppError('unauthorized', `Unsupported authorization scheme "${auth.scheme}"; use "APIKey <key>" or "Bearer <token>".`);
  }
}

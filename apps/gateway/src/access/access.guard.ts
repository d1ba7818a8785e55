import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, CONFIG, secretsEqual } from '@app/common';
import { AppService } from '../apps/app.service';
import type { GatewayConfig } from '../gateway.config';
import { ACCESS_KEY, type AccessLevel } from './access.decorator';

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
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'app';
    if (level === 'public') return true;
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
    if (auth.scheme === 'bearer') throw new AppError('invalid_token', 'The bearer token is invalid.');
    throw new AppError('unauthorized', `Unsupported authorization scheme "${auth.scheme}"; use "APIKey <key>".`);
  }
}

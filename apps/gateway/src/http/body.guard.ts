import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { CONFIG } from '@app/common';
import { ACCESS_KEY, type AccessLevel } from '../access/access.decorator';
import type { GatewayConfig } from '../gateway.config';
import { readBody } from './json-body';

/**
 * The last guard: reads the body only once the caller is authenticated and
 * within its rate limit. Routes that authenticate inside the handler (`oauth`:
 * credentials in the form body) and public ones get the small unauthenticated
 * limit.
 */
@Injectable()
export class BodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, @Inject(CONFIG) private readonly config: GatewayConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'app';
    const unauthenticated = level === 'public' || level === 'oauth';
    await readBody(context.switchToHttp().getRequest<Request>(), {
      limit: unauthenticated ? Math.min(this.config.JSON_BODY_LIMIT_UNAUTHENTICATED, this.config.JSON_BODY_LIMIT) : this.config.JSON_BODY_LIMIT,
      maxDepth: this.config.JSON_MAX_DEPTH,
    });
    return true;
  }
}

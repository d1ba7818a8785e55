import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { AppError, CONFIG, LOGGER, REDIS } from '@app/common';
import type { GatewayConfig } from '../gateway.config';

/**
 * 10 requests per second per connected account by default (seed 002),
 * counted in Redis so every gateway instance shares the budget. Keyed by app
 * and account, so one app's traffic never spends another app's budget.
 * If Redis is unreachable the request is let through and the failure logged:
 * a rate limiter must not take the API down.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.caller) return true; // public routes; failed authentications are limited by AuthFailures
    // Per connected account where the route names one (seed 002), else per app: every authenticated route counts.
    const accountId = req.params?.accountId;
    const limit = accountId ? this.config.RATE_LIMIT_PER_SECOND : this.config.RATE_LIMIT_APP_PER_SECOND;
    const second = Math.floor(Date.now() / 1000);
    const key = accountId ? `ratelimit:${req.caller.appId}:${accountId}:${second}` : `ratelimit:${req.caller.appId}:app:${second}`;
    let count: number;
    try {
      const [[, incr]] = (await this.redis.multi().incr(key).expire(key, 2).exec()) as [[Error | null, number]];
      count = incr;
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'gateway.rate_limit.redis_unavailable');
      return true;
    }
    if (count <= limit) return true;
    const what = accountId ? `account ${accountId}` : 'this app on routes without an account';
    throw new AppError('too_many_requests', `More than ${limit} requests per second for ${what}.`, { retryAfter: 1 });
  }
}

import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { AppError, CONFIG, LOGGER, REDIS } from '@app/common';
import type { GatewayConfig } from '../gateway.config';

const WINDOW_S = 60;

/**
 * Failed authentications (wrong API key, wrong admin or Bearer token) counted
 * per client address in Redis, over a one-minute window shared by all gateway
 * instances. Past AUTH_FAILURES_PER_MINUTE the address is answered 429 before
 * any credential is checked, so keys and tokens cannot be guessed at speed.
 * A Redis outage lets requests through, with a log line.
 */
@Injectable()
export class AuthFailures {
  /**
   * Keys are per deployment: the same for every gateway instance of it (derived from its admin
   * token), different for two deployments sharing one Redis (the test stacks do).
   */
  private readonly namespace: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.namespace = createHash('sha256').update(`authfail:${config.ADMIN_TOKEN}`).digest('hex').slice(0, 12);
  }

  /** @throws AppError 429 too_many_requests when the address failed too often this minute */
  async assertAllowed(req: Request): Promise<void> {
    let count: number;
    try {
      count = Number((await this.redis.get(this.key(req))) ?? 0);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'gateway.auth_failures.redis_unavailable');
      return;
    }
    if (count >= this.config.AUTH_FAILURES_PER_MINUTE) {
      throw new AppError('too_many_requests', 'Too many failed authentication attempts from this address; try again in a minute.', { retryAfter: WINDOW_S });
    }
  }

  /** Counts one failure; never throws. */
  async record(req: Request): Promise<void> {
    const key = this.key(req);
    await this.redis.multi().incr(key).expire(key, WINDOW_S * 2).exec().catch((err) => this.logger.warn({ err: String(err) }, 'gateway.auth_failures.redis_unavailable'));
  }

  private key(req: Request): string {
    return `authfail:${this.namespace}:${req.socket.remoteAddress ?? 'unknown'}:${Math.floor(Date.now() / 1000 / WINDOW_S)}`;
  }
}

import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { AppError, CONFIG, LOGGER, REDIS } from '@app/common';
import type { GatewayConfig } from '../gateway.config';
import { FailureWindow } from './failure-window';

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
  private readonly failures: FailureWindow;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    // Keys are per deployment: the same for every gateway instance of it (derived from its admin
    // token), different for two deployments sharing one Redis (the test stacks do).
    const namespace = createHash('sha256').update(`authfail:${config.ADMIN_TOKEN}`).digest('hex').slice(0, 12);
    this.failures = new FailureWindow(redis, logger, { prefix: `authfail:${namespace}`, windowS: WINDOW_S, logTag: 'gateway.auth_failures.redis_unavailable' });
  }

  /** @throws AppError 429 too_many_requests when the address failed too often this minute */
  async assertAllowed(req: Request): Promise<void> {
    if ((await this.failures.count(addressOf(req))) >= this.config.AUTH_FAILURES_PER_MINUTE) {
      throw new AppError('too_many_requests', 'Too many failed authentication attempts from this address; try again in a minute.', { retryAfter: WINDOW_S });
    }
  }

  /** Counts one failure; never throws. */
  async record(req: Request): Promise<void> {
    await this.failures.record(addressOf(req));
  }
}

function addressOf(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

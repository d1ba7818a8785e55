import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { AppError, CONFIG, LOGGER, REDIS } from '@app/common';
import type { GatewayConfig } from '../gateway.config';
import { FailureWindow } from '../rate-limit/failure-window';

/**
 * Wrong passwords per link, per minute, in Redis (shared by all gateway
 * instances). Past LINK_PASSWORD_FAILURES_PER_MINUTE the link refuses every
 * password, right or wrong, until the minute is over: a password cannot be
 * guessed at speed from any number of addresses.
 */
@Injectable()
export class LinkPasswordGuesses {
  private readonly failures: FailureWindow;

  constructor(@Inject(REDIS) redis: Redis, @Inject(CONFIG) private readonly config: GatewayConfig, @Inject(LOGGER) logger: Logger) {
    this.failures = new FailureWindow(redis, logger, { prefix: 'linkpw', windowS: 60, logTag: 'gateway.link_guesses.redis_unavailable' });
  }

  /** @throws AppError 429 too_many_requests, with Retry-After to the end of the minute */
  async assertAllowed(linkId: string): Promise<void> {
    if ((await this.failures.count(linkId)) >= this.config.LINK_PASSWORD_FAILURES_PER_MINUTE) {
      throw new AppError('too_many_requests', 'Too many wrong passwords for this link; try again later.', { retryAfter: this.failures.secondsLeft() });
    }
  }

  async recordWrong(linkId: string): Promise<void> {
    await this.failures.record(linkId);
  }
}

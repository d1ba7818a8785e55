import type Redis from 'ioredis';
import type { Logger } from 'pino';

/**
 * Failures counted per key in fixed windows in Redis, shared by every gateway
 * instance. A Redis outage counts nothing and refuses nothing (logged): a
 * limiter must not take the API down.
 */
export class FailureWindow {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly options: { prefix: string; windowS: number; logTag: string },
  ) {}

  /** Failures of `key` in the current window (0 when Redis cannot say). */
  async count(key: string): Promise<number> {
    try {
      return Number((await this.redis.get(this.slot(key))) ?? 0);
    } catch (err) {
      this.logger.warn({ err: String(err) }, this.options.logTag);
      return 0;
    }
  }

  /** Counts one failure; never throws. */
  async record(key: string): Promise<void> {
    const slot = this.slot(key);
    await this.redis.multi().incr(slot).expire(slot, this.options.windowS * 2).exec().catch((err) => this.logger.warn({ err: String(err) }, this.options.logTag));
  }

  /** Whole seconds until the current window ends (Retry-After). */
  secondsLeft(now = Date.now()): number {
    const windowMs = this.options.windowS * 1000;
    return Math.max(1, Math.ceil((windowMs - (now % windowMs)) / 1000));
  }

  private slot(key: string): string {
    return `${this.options.prefix}:${key}:${Math.floor(Date.now() / 1000 / this.options.windowS)}`;
  }
}

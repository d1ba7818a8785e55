import { AppError } from '@app/common';

export interface RetryOptions {
  /** Attempts in all, first one included. */
  tries?: number;
  /** Delay before the second attempt; doubled after each failure. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Only errors flagged retryable are tried again (UpstreamError); never RateLimitError, AuthError, NotFoundError... */
export function isRetryable(err: unknown): boolean {
  return err instanceof AppError && err.retryable;
}

/**
 * Runs `fn` up to `tries` times (3 by default) with exponential backoff and
 * jitter. Use it only for calls that can be repeated safely: not for a write
 * whose body stream has already been consumed.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const tries = options.tries ?? 3;
  const base = options.baseDelayMs ?? 200;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= tries || !isRetryable(err)) throw err;
      const delay = base * 2 ** (attempt - 1);
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}

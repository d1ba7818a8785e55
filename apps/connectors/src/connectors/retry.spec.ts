import { AuthError, NotFoundError, RateLimitError, UpstreamError } from '@app/common';
import { withRetry } from './retry';

const noSleep = { sleep: async () => undefined };

describe('withRetry', () => {
  it('retries a retryable error and returns the later success', async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls += 1;
      if (calls < 3) throw new UpstreamError(503);
      return 'ok';
    }, noSleep);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after 3 tries', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw new UpstreamError(502);
      }, noSleep),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(calls).toBe(3);
  });

  it.each([new RateLimitError(30), new AuthError(), new NotFoundError(), new Error('raw')])('never retries %p', async (error) => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw error;
      }, noSleep),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('waits longer after each failure', async () => {
    const delays: number[] = [];
    await withRetry(
      async () => {
        if (delays.length < 2) throw new UpstreamError(500);
        return 1;
      },
      { baseDelayMs: 100, sleep: async (ms) => void delays.push(ms) },
    );
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
  });
});

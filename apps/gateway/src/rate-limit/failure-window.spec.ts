import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { FailureWindow } from './failure-window';

describe('FailureWindow', () => {
  const logger = { warn: jest.fn() } as unknown as Logger;

  it('tells how long until the current window ends, at least a second', () => {
    const window = new FailureWindow({} as Redis, logger, { prefix: 't', windowS: 60, logTag: 't' });
    expect(window.secondsLeft(Date.UTC(2030, 0, 1, 0, 0, 0))).toBe(60);
    expect(window.secondsLeft(Date.UTC(2030, 0, 1, 0, 0, 59, 500))).toBe(1);
    expect(window.secondsLeft(Date.UTC(2030, 0, 1, 0, 0, 15, 200))).toBe(45);
  });

  it('counts nothing and refuses nothing when Redis is down, and says so in the log', async () => {
    const down = { get: async () => Promise.reject(new Error('ECONNREFUSED')), multi: () => ({ incr: () => ({ expire: () => ({ exec: async () => Promise.reject(new Error('ECONNREFUSED')) }) }) }) };
    const window = new FailureWindow(down as unknown as Redis, logger, { prefix: 't', windowS: 60, logTag: 'test.redis_unavailable' });
    await expect(window.record('k')).resolves.toBeUndefined();
    await expect(window.count('k')).resolves.toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(expect.anything(), 'test.redis_unavailable');
  });
});

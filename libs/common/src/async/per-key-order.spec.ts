import { PerKeyOrder } from './per-key-order';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PerKeyOrder', () => {
  it('runs one key in order and different keys side by side', async () => {
    const order = new PerKeyOrder();
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([order.run('a', job('a1', 30)), order.run('a', job('a2', 1)), order.run('b', job('b1', 5))]);
    // a2 waits for a1; b1 does not wait for a1.
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
    expect(order.size).toBe(0);
  });

  it('goes on with a key after a failure, and reports the failure to its caller', async () => {
    const order = new PerKeyOrder();
    const failed = order.run('k', async () => {
      throw new Error('boom');
    });
    const next = order.run('k', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});

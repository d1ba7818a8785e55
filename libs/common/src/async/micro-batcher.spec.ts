import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('gathers calls made together into one batch and answers each with its own result', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((n) => ({ status: 'fulfilled' as const, value: n * 2 }));
    }, { maxItems: 100, maxWaitMs: 5 });
    expect(await Promise.all([1, 2, 3].map((n) => b.run(n)))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs one batch at a time; what arrives meanwhile goes next, in batches of at most maxItems', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, void>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await first;
      return items.map(() => ({ status: 'fulfilled' as const, value: undefined }));
    }, { maxItems: 2, maxWaitMs: 1 });
    const all = [b.run(1), b.run(2), b.run(3), b.run(4), b.run(5)];
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([[1, 2]]);
    release();
    await Promise.all(all);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects only the items the batch rejected, and every item when the batch throws', async () => {
    const b = new MicroBatcher<number, number>(async (items) => {
      if (items.includes(0)) throw new Error('batch down');
      return items.map((n) => (n < 0 ? { status: 'rejected' as const, reason: new Error(`bad ${n}`) } : { status: 'fulfilled' as const, value: n }));
    }, { maxItems: 10, maxWaitMs: 1 });
    const settled = await Promise.allSettled([b.run(1), b.run(-1), b.run(2)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const down = await Promise.allSettled([b.run(0), b.run(3)]);
    expect(down.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });
});

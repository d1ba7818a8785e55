import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('moves the commit point only past a run of finished messages', () => {
    const t = new OffsetTracker();
    for (const o of ['10', '11', '12', '13']) t.start(o);
    expect(t.finish('12')).toBeNull(); // 10 and 11 still running
    expect(t.finish('11')).toBeNull();
    expect(t.finish('10')).toBe('13'); // 10, 11, 12 done: next to read is 13
    expect(t.pending).toBe(1);
    expect(t.finish('13')).toBe('14');
    expect(t.pending).toBe(0);
  });

  it('ignores an offset it never saw', () => {
    const t = new OffsetTracker();
    t.start('5');
    expect(t.finish('4')).toBeNull();
    expect(t.finish('5')).toBe('6');
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const t = new OffsetTracker();
    t.start('9007199254740993');
    expect(t.finish('9007199254740993')).toBe('9007199254740994');
  });
});

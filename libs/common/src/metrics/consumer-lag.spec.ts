import { lagByTopic } from './consumer-lag';

describe('consumer lag', () => {
  it('sums, per topic, how far the committed offsets are behind the latest ones', () => {
    const lag = lagByTopic(
      [
        { topic: 'a', partitions: [{ partition: 0, high: '10', low: '0' }, { partition: 1, high: '5', low: '0' }] },
        { topic: 'b', partitions: [{ partition: 0, high: '7', low: '3' }] },
      ],
      [
        { topic: 'a', partitions: [{ partition: 0, offset: '8' }, { partition: 1, offset: '5' }] },
        { topic: 'b', partitions: [{ partition: 0, offset: '-1' }] }, // never committed: counts from the earliest kept offset
      ],
    );
    expect(lag).toEqual(new Map([['a', 2], ['b', 4]]));
  });
});

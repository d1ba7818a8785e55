import { randomBytes } from 'node:crypto';
import { FeedCursorCodec, MAX_SEQ } from './feed-cursor';

describe('FeedCursorCodec', () => {
  const codec = new FeedCursorCodec(randomBytes(32));

  it('gives back the sequence number it sealed, for the same account', () => {
    for (const seq of [0, 1, 2, 41, 1000, 123_456_789, MAX_SEQ]) {
      const cursor = codec.encode(7, seq);
      expect(Number.isSafeInteger(cursor)).toBe(true);
      expect(codec.decode(7, cursor)).toBe(seq);
      expect(codec.decode(7, String(cursor))).toBe(seq);
    }
  });

  it('does not show the sequence: consecutive positions give unrelated numbers', () => {
    const a = codec.encode(7, 1);
    const b = codec.encode(7, 2);
    expect(Math.abs(a - b)).toBeGreaterThan(1000);
    expect(a).not.toBe(1);
  });

  it("refuses another account's cursor, another key's and garbage", () => {
    let accepted = 0;
    for (let seq = 1; seq <= 2000; seq++) if (codec.decode(8, codec.encode(7, seq)) !== null) accepted++;
    expect(accepted).toBeLessThan(5); // 1 in 65,536 expected
    const other = new FeedCursorCodec(randomBytes(32));
    expect(codec.decode(7, other.encode(7, 5))).toBeNull();
    for (const junk of ['', 'abc', '-1', '1.5', '12345678901234567890', '9007199254740993', ' ', '0x10']) expect(codec.decode(7, junk)).toBeNull();
  });
});

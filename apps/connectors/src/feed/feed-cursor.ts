import { createHmac } from 'node:crypto';

/**
 * Change-feed cursors: a position in one account's event sequence, sealed as
 * an integer (Kloudless clients expect `events/latest` to answer an int).
 *
 * The 52-bit value is a keyed Feistel permutation of `seq · 2^16`: the
 * sequence number in the high 36 bits, 16 zero bits as a check. The round
 * function is an HMAC of the account id, so a cursor reads as a valid position
 * only for the account it was issued for and only with our key; a foreign,
 * forged or garbage cursor decodes with non-zero check bits (missed 1 time in
 * 65,536, and then it only names a position in the caller's own feed).
 */
const HALF_BITS = 26;
const HALF = 2 ** HALF_BITS;
const CHECK = 2 ** 16;
const ROUNDS = 4;
/** 36 bits of sequence: 68 billion events per account. */
export const MAX_SEQ = 2 ** 36 - 1;

export class FeedCursorCodec {
  constructor(private readonly key: Buffer) {}

  encode(accountId: number, seq: number): number {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_SEQ) throw new RangeError(`sequence ${seq} out of range`);
    const x = seq * CHECK;
    let l = Math.floor(x / HALF);
    let r = x % HALF;
    for (let i = 0; i < ROUNDS; i++) [l, r] = [r, (l ^ this.round(accountId, i, r)) >>> 0];
    return l * HALF + r;
  }

  /** The sequence number a cursor names, or null when it is not one of this account's cursors. */
  decode(accountId: number, cursor: string | number): number | null {
    const text = String(cursor).trim();
    if (!/^\d{1,16}$/.test(text)) return null;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value >= HALF * HALF) return null;
    let l = Math.floor(value / HALF);
    let r = value % HALF;
    for (let i = ROUNDS - 1; i >= 0; i--) [l, r] = [(r ^ this.round(accountId, i, l)) >>> 0, l];
    const x = l * HALF + r;
    if (x % CHECK !== 0) return null;
    return x / CHECK;
  }

  private round(accountId: number, i: number, half: number): number {
    const mac = createHmac('sha256', this.key).update(`${accountId}:${i}:${half}`).digest();
    return mac.readUInt32BE(0) % HALF;
  }
}

import { Transform, type TransformCallback } from 'node:stream';

const WIDTH = 160;
const SHIFT = 11;

/**
 * OneDrive's QuickXorHash (`file.hashes.quickXorHash`, the one hash every
 * drive type reports): each byte is XORed into a 160-bit circular register at
 * bit 11·i mod 160, then the length (64-bit little-endian) is XORed into the
 * last 8 bytes; Base64. Since the position depends only on i mod 160, bytes
 * are first folded into 160 lanes, so hashing costs one XOR per byte.
 */
export class QuickXorHash {
  private readonly lanes = new Uint8Array(WIDTH);
  private length = 0;

  update(data: Uint8Array): this {
    let lane = this.length % WIDTH;
    for (let i = 0; i < data.length; i++) {
      this.lanes[lane] ^= data[i];
      if (++lane === WIDTH) lane = 0;
    }
    this.length += data.length;
    return this;
  }

  digest(): string {
    const out = new Uint8Array(WIDTH / 8);
    for (let lane = 0; lane < WIDTH; lane++) {
      const byte = this.lanes[lane];
      if (byte === 0) continue;
      const at = (lane * SHIFT) % WIDTH;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte >> bit) & 1) {
          const pos = (at + bit) % WIDTH;
          out[pos >> 3] ^= 1 << (pos & 7);
        }
      }
    }
    let length = BigInt(this.length);
    for (let i = 0; i < 8; i++) {
      out[WIDTH / 8 - 8 + i] ^= Number(length & 0xffn);
      length >>= 8n;
    }
    return Buffer.from(out).toString('base64');
  }
}

export function quickXorHash(data: Uint8Array): string {
  return new QuickXorHash().update(data).digest();
}

/** Passes bytes through unchanged, hashing them on the way. */
export class QuickXorStream extends Transform {
  readonly hash = new QuickXorHash();
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }
}

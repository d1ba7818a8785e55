import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Passes through at most `limit` bytes, then ends (the source is destroyed by the caller's pipeline). */
export class LimitStream extends Transform {
  private left: number;
  constructor(limit: number, private readonly onLimit?: () => void) {
    super();
    this.left = limit;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.left <= 0) return done();
    const part = chunk.length > this.left ? chunk.subarray(0, this.left) : chunk;
    this.left -= part.length;
    this.push(part);
    if (this.left <= 0) {
      this.push(null);
      this.onLimit?.();
    }
    done();
  }
}

/** Counts bytes flowing through. */
export class CountingStream extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** Forwards errors of `source` to `target` after mapping them. */
export function forwardErrors(source: Readable, target: Readable, map: (err: unknown) => Error): void {
  source.on('error', (err) => target.destroy(map(err)));
}

/** Skips `skip` bytes, then passes through at most `limit` bytes (for servers that ignore ranges). */
export class SliceStream extends Transform {
  private toSkip: number;
  private left: number;
  constructor(skip: number, limit: number) {
    super();
    this.toSkip = skip;
    this.left = limit;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let part = chunk;
    if (this.toSkip > 0) {
      const n = Math.min(this.toSkip, part.length);
      part = part.subarray(n);
      this.toSkip -= n;
    }
    if (this.left > 0 && part.length > 0) {
      const out = part.length > this.left ? part.subarray(0, this.left) : part;
      this.left -= out.length;
      this.push(out);
    }
    done();
  }
}

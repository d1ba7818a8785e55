import type { Readable } from 'node:stream';

/**
 * Reads a stream in pieces of a chosen size without ending it in between (an
 * upload cuts the body into resumable chunks and must know which one is the
 * last). Holds at most one piece plus one source chunk in memory.
 */
export class ChunkReader {
  private readonly it: AsyncIterator<unknown>;
  private rest: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(stream: Readable) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** The next `n` bytes; fewer only at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    const parts = [this.rest];
    let length = this.rest.length;
    while (length < n && !this.done) {
      const next = await this.it.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
      parts.push(buf);
      length += buf.length;
    }
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
    this.rest = all.subarray(Math.min(n, all.length));
    return all.subarray(0, Math.min(n, all.length));
  }

  /** Puts bytes back in front (they are read again first). */
  unshift(bytes: Buffer): void {
    this.rest = this.rest.length ? Buffer.concat([bytes, this.rest]) : bytes;
  }

  /** True when no byte is left (reads ahead one source chunk if needed). */
  async atEnd(): Promise<boolean> {
    while (this.rest.length === 0 && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else this.rest = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
    }
    return this.rest.length === 0;
  }

  /** Stops reading (destroys the source). */
  async cancel(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.it.return?.().catch(() => undefined);
    }
  }
}

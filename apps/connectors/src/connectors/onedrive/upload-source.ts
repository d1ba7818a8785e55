import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The first bytes of a body, and the rest of it still unread. */
export interface BodyHead {
  head: Buffer;
  /** True when `head` is the whole body. */
  ended: boolean;
  /** Every byte of the body, `head` first (use it instead of the original stream). */
  whole(): AsyncIterable<Buffer>;
}

/** Reads at most `limit` + 1 bytes of `body` (enough to know whether it is longer than `limit`). */
export async function readHead(body: Readable, limit: number): Promise<BodyHead> {
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length <= limit) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  return {
    head,
    ended,
    whole: async function* () {
      if (head.length) yield head;
      if (ended) return;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
    },
  };
}

/** Cuts a byte stream into chunks of exactly `size` bytes (the last may be shorter; none is empty). */
export async function* chunksOf(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let chunk = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const data of source) {
    let at = 0;
    while (at < data.length) {
      const n = Math.min(size - filled, data.length - at);
      data.copy(chunk, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === size) {
        yield chunk;
        chunk = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield chunk.subarray(0, filled);
}

/**
 * A body of unknown size spooled to a temporary file: an upload session must
 * state the file's total size in every fragment, so a body too large for the
 * simple upload whose size nobody gave is written to disk first (never held
 * in memory). `release` removes the file.
 */
export async function spool(source: AsyncIterable<Buffer>): Promise<{ size: number; open(): Readable; release(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kl-onedrive-'));
  const file = join(dir, 'body');
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(Readable.from(source), createWriteStream(file));
    const { size } = await stat(file);
    return { size, open: () => createReadStream(file), release };
  } catch (err) {
    await release();
    throw err;
  }
}

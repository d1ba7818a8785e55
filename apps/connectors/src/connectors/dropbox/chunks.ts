import type { Readable } from 'node:stream';

/**
 * Cuts a stream into Buffers of exactly `size` bytes (the last one shorter,
 * never empty), holding one chunk in memory at a time: what an upload
 * session sends per request, resendable after a 401 or a 5xx.
 */
export async function* chunksOf(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const data of stream) {
    let buf: Buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as string);
    while (held + buf.length >= size) {
      const take = size - held;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      held = 0;
      buf = buf.subarray(take);
    }
    if (buf.length > 0) {
      parts.push(buf);
      held += buf.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts);
}

import type { Hash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';

/**
 * The source bytes of a copy as a stream the destination writer consumes,
 * counting what passes and destroyed when `signal` aborts (the caller hung up
 * or cancelled). pipeline listens for errors on both streams, so a hang-up
 * that destroys them before the writer listens cannot crash the process, and
 * a read failure reaches the writer as an error on the returned stream.
 * `hash`, when given, sees every byte that passes.
 */
export function countedStream(source: Readable, onBytes: (done: number) => void, signal: AbortSignal, cancelled: string, hash?: Pick<Hash, 'update'> | { update(chunk: Buffer): void }): { stream: Readable; release(): void } {
  let done = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      done += chunk.length;
      hash?.update(chunk);
      onBytes(done);
      callback(null, chunk);
    },
  });
  pipeline(source, counted, () => undefined);
  // pipeline drops its listeners once the source is fully written into `counted`; a cancel after
  // that, before the writer has read it all, must still not be an unhandled 'error' (a crash).
  // The writer sees the error through its own listeners or the destroyed stream.
  counted.on('error', () => undefined);
  const abort = () => counted.destroy(new Error(cancelled));
  if (signal.aborted) abort();
  signal.addEventListener('abort', abort, { once: true });
  return { stream: counted, release: () => signal.removeEventListener('abort', abort) };
}

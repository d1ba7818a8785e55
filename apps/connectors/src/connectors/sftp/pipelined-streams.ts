import { Readable, Writable } from 'node:stream';
import type { OpenMode, SFTPWrapper } from 'ssh2';

/** Bytes per SFTP read/write request (OpenSSH serves up to 256 KiB; 64 KiB is what every server takes). */
const CHUNK = 64 * 1024;
/** Requests in flight on one file: throughput is this many chunks per round trip instead of one. */
const DEPTH = 16;

function open(sftp: SFTPWrapper, path: string, flags: OpenMode): Promise<Buffer> {
  return new Promise((resolve, reject) => sftp.open(path, flags, (err, handle) => (err ? reject(err) : resolve(handle))));
}

function close(sftp: SFTPWrapper, handle: Buffer): Promise<void> {
  return new Promise((resolve) => sftp.close(handle, () => resolve()));
}

/** One chunk at `position`, re-asking for the rest when the server answers short; a premature end is an error. */
function readChunk(sftp: SFTPWrapper, handle: Buffer, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    const more = (filled: number) =>
      sftp.read(handle, buffer, filled, length - filled, position + filled, (err, bytesRead) => {
        if (err) return reject(err);
        if (bytesRead === 0) return reject(new Error(`The file ended at ${position + filled}, before the ${length} bytes asked for (did it change?).`));
        if (filled + bytesRead < length) return more(filled + bytesRead);
        resolve(buffer);
      });
    more(0);
  });
}

/**
 * Bytes [start, end) of a remote file with DEPTH read requests in flight,
 * pushed in order. ssh2's own read stream waits for each 64 KiB answer before
 * asking for the next, which caps a transfer at 64 KiB per round trip.
 */
export function pipelinedRead(sftp: SFTPWrapper, path: string, start: number, end: number): Readable {
  let handle: Buffer | null = null;
  let next = start;
  const queue: Array<Promise<Buffer>> = [];
  let pumping = false;
  const fill = () => {
    while (handle && queue.length < DEPTH && next < end) {
      const length = Math.min(CHUNK, end - next);
      const request = readChunk(sftp, handle, next, length);
      request.catch(() => undefined); // rejections are taken where the queue is read
      queue.push(request);
      next += length;
    }
  };
  const stream = new Readable({
    highWaterMark: CHUNK * DEPTH,
    read() {
      if (pumping) return;
      pumping = true;
      void (async () => {
        try {
          handle ??= await open(sftp, path, 'r');
          for (;;) {
            fill();
            const head = queue.shift();
            if (!head) {
              this.push(null);
              return;
            }
            if (!this.push(await head)) return;
          }
        } catch (err) {
          this.destroy(err as Error);
        } finally {
          pumping = false;
        }
      })();
    },
    destroy(err, callback) {
      const h = handle;
      handle = null;
      if (h) void close(sftp, h).then(() => callback(err));
      else callback(err);
    },
  });
  return stream;
}

/**
 * A writable that writes at `start` onwards (flags `w` to create or truncate,
 * `r+` to write into an existing file) with up to DEPTH requests in flight;
 * it finishes once every write is acknowledged and the handle is closed.
 */
export function pipelinedWrite(sftp: SFTPWrapper, path: string, flags: 'w' | 'r+', start = 0): Writable {
  let handle: Buffer | null = null;
  let position = start;
  const inFlight = new Set<Promise<void>>();
  let failure: Error | null = null;
  const send = (chunk: Buffer, at: number) => {
    const request = new Promise<void>((resolve) =>
      sftp.write(handle!, chunk, 0, chunk.length, at, (err) => {
        if (err) failure ??= err;
        resolve();
      }),
    );
    inFlight.add(request);
    void request.then(() => inFlight.delete(request));
  };
  return new Writable({
    highWaterMark: CHUNK * DEPTH,
    write(chunk: Buffer, _enc, callback) {
      void (async () => {
        try {
          handle ??= await open(sftp, path, flags);
          for (let off = 0; off < chunk.length; off += CHUNK) {
            while (inFlight.size >= DEPTH) await Promise.race(inFlight);
            if (failure) throw failure;
            const piece = chunk.subarray(off, off + CHUNK);
            send(piece, position);
            position += piece.length;
          }
          callback();
        } catch (err) {
          callback(err as Error);
        }
      })();
    },
    final(callback) {
      void (async () => {
        try {
          handle ??= await open(sftp, path, flags);
          await Promise.all(inFlight);
          if (failure) throw failure;
          const h = handle;
          handle = null;
          await new Promise<void>((resolve, reject) => sftp.close(h, (err) => (err ? reject(err) : resolve())));
          callback();
        } catch (err) {
          callback(err as Error);
        }
      })();
    },
    destroy(err, callback) {
      const h = handle;
      handle = null;
      void Promise.all(inFlight).then(() => (h ? close(sftp, h) : undefined)).then(() => callback(err));
    },
  });
}

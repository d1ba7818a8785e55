import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { NotFoundError, UpstreamError } from '@app/common';
import type { OAuthApi, ApiResponse } from '../oauth-api';
import { header, readText } from '../oauth-api';
import { isRetryable } from '../retry';
import { ChunkReader } from './chunk-reader';
import type { GdriveConfig } from './gdrive.config';
import { FILE_FIELDS, type DriveFile } from './gdrive.mapper';

/** Where the bytes go: a new file (name + parent id) or new content for an existing file. */
export type UploadTarget = { kind: 'create'; name: string; parent: string; mimeType: string } | { kind: 'update'; fileId: string; mimeType: string };

/** Drive takes simple and multipart uploads up to 5 MB (the manage-uploads guide); more goes through a session. */
export const SIMPLE_UPLOAD_MAX = 5 * 1024 * 1024;
const CHUNK_TRIES = 4;

/**
 * Content uploads to Drive's upload host (the manage-uploads guide):
 * - small bodies (≤ resumableThreshold) in one request, held as a Buffer so a
 *   401 can resend them: `uploadType=multipart` (metadata + media) to create,
 *   `uploadType=media` to replace content;
 * - anything larger through a resumable session: POST/PATCH
 *   `uploadType=resumable` → `Location` session URI, then PUT chunks of
 *   `chunkSize` bytes with `Content-Range: bytes a-b/*` (the total is given
 *   with the last), 308 + `Range` until the last, then 200/201 with the file.
 *   Only one chunk is in memory at a time; a chunk that fails retryably is
 *   resumed from the offset the server reports.
 */
export class GdriveUploader {
  constructor(
    private readonly api: OAuthApi,
    private readonly config: GdriveConfig,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async upload(target: UploadTarget, body: Readable, knownSize?: number): Promise<DriveFile> {
    const reader = new ChunkReader(body);
    try {
      const threshold = Math.min(this.config.resumableThreshold, SIMPLE_UPLOAD_MAX);
      if (knownSize === undefined || knownSize <= threshold) {
        const head = await reader.read(threshold + 1);
        if (head.length <= threshold) return await this.simple(target, head);
        reader.unshift(head);
      }
      return await this.resumable(target, reader);
    } finally {
      await reader.cancel();
    }
  }

  private async simple(target: UploadTarget, bytes: Buffer): Promise<DriveFile> {
    if (target.kind === 'update') {
      return this.api.json<DriveFile>('write', {
        method: 'PATCH',
        url: `${this.config.uploadUrl}/files/${encodeURIComponent(target.fileId)}`,
        query: { uploadType: 'media', fields: FILE_FIELDS },
        headers: { 'content-type': target.mimeType },
        body: bytes,
      });
    }
    const boundary = `gdrive-${randomBytes(16).toString('hex')}`;
    const metadata = JSON.stringify({ name: target.name, parents: [target.parent], mimeType: target.mimeType });
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${metadata}\r\n--${boundary}\r\nContent-Type: ${target.mimeType}\r\n\r\n`, 'utf8'),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
    ]);
    return this.api.json<DriveFile>('write', {
      method: 'POST',
      url: `${this.config.uploadUrl}/files`,
      query: { uploadType: 'multipart', fields: FILE_FIELDS },
      headers: { 'content-type': `multipart/related; boundary=${boundary}` },
      body: multipart,
    });
  }

  private async resumable(target: UploadTarget, reader: ChunkReader): Promise<DriveFile> {
    const session = await this.openSession(target);
    const chunkSize = this.config.chunkSize;
    let offset = 0;
    for (;;) {
      const chunk = await reader.read(chunkSize);
      const last = chunk.length < chunkSize || (await reader.atEnd());
      const total = last ? String(offset + chunk.length) : '*';
      const file = await this.sendChunk(session, chunk, offset, total).catch((err: unknown) => {
        // A session Drive no longer knows (expired, or lost): the upload starts over, not "file not found".
        throw err instanceof NotFoundError ? new UpstreamError(404, 'The upload session expired; the upload can be retried.') : err;
      });
      offset += chunk.length;
      if (file) return file;
      if (last) throw new UpstreamError(undefined, 'Google Drive did not finish the upload after its last chunk.');
    }
  }

  /** Starts a session; the session URI must be on the upload host, since it gets the Bearer token. */
  private async openSession(target: UploadTarget): Promise<string> {
    const common = { query: { uploadType: 'resumable', fields: FILE_FIELDS }, headers: { 'x-upload-content-type': target.mimeType } };
    const res =
      target.kind === 'create'
        ? await this.api.send('write', { method: 'POST', url: `${this.config.uploadUrl}/files`, ...common, json: { name: target.name, parents: [target.parent], mimeType: target.mimeType } })
        : await this.api.send('write', { method: 'PATCH', url: `${this.config.uploadUrl}/files/${encodeURIComponent(target.fileId)}`, ...common, json: {} });
    res.body.resume();
    const location = header(res.headers, 'location');
    if (!location) throw new UpstreamError(res.status, 'Google Drive opened no upload session (no Location).');
    let url: URL;
    try {
      url = new URL(location, this.config.uploadUrl);
    } catch {
      throw new UpstreamError(res.status, 'Google Drive answered with an invalid upload session URI.');
    }
    if (url.origin !== new URL(this.config.uploadUrl).origin) throw new UpstreamError(res.status, 'Google Drive answered with an upload session on another host.');
    return url.toString();
  }

  /**
   * PUTs `chunk` at `offset`; null when the server wants more (308), the file
   * when the upload is complete. A retryable failure (5xx, network) asks the
   * session how much it kept and sends the rest of the chunk again.
   */
  private async sendChunk(session: string, chunk: Buffer, offset: number, total: string): Promise<DriveFile | null> {
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const part = chunk.subarray(sent);
        const range = part.length ? `bytes ${offset + sent}-${offset + chunk.length - 1}/${total}` : `bytes */${total}`;
        const res = await this.api.send('write', { method: 'PUT', url: session, headers: { 'content-range': range }, body: part });
        const done = await this.outcome(res);
        if (done) return done;
        const kept = receivedUpTo(res);
        if (kept === offset + chunk.length) return null;
        if (kept < offset + sent || kept > offset + chunk.length) throw new UpstreamError(308, `Google Drive kept ${kept} bytes of the upload, expected ${offset + chunk.length}.`);
        sent = kept - offset;
      } catch (err) {
        if (attempt >= CHUNK_TRIES || !isRetryable(err)) throw err;
        await this.sleep(200 * 2 ** (attempt - 1));
        sent = (await this.status(session, total, offset, chunk.length)) - offset;
      }
    }
  }

  /** How many bytes the session holds (PUT with `Content-Range: bytes *\/total`). */
  private async status(session: string, total: string, offset: number, chunkLength: number): Promise<number> {
    const res = await this.api.send('write', { method: 'PUT', url: session, headers: { 'content-range': `bytes */${total}` }, body: Buffer.alloc(0) });
    if (res.status !== 308) {
      // Already complete: nothing to send again (outcome() reads the file on the next try).
      res.body.resume();
      return offset + chunkLength;
    }
    res.body.resume();
    const kept = receivedUpTo(res);
    if (kept < offset || kept > offset + chunkLength) throw new UpstreamError(308, `Google Drive kept ${kept} bytes of the upload; it cannot be resumed from here.`);
    return kept;
  }

  private async outcome(res: ApiResponse): Promise<DriveFile | null> {
    if (res.status === 308) {
      res.body.resume();
      return null;
    }
    const text = await readText(res.body, Infinity);
    try {
      return JSON.parse(text) as DriveFile;
    } catch {
      throw new UpstreamError(res.status, 'Google Drive answered the upload with something that is not JSON.');
    }
  }
}

/** The byte count a 308's `Range: bytes=0-N` says the session holds (0 when no Range). */
function receivedUpTo(res: ApiResponse): number {
  const range = header(res.headers, 'range');
  const match = range ? /^bytes=0-(\d+)$/.exec(range) : null;
  if (range && !match) throw new UpstreamError(308, 'Google Drive answered the upload with an unreadable Range.');
  return match ? Number(match[1]) + 1 : 0;
}

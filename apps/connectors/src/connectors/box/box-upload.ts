import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidParametersError, UpstreamError } from '@app/common';
import type { OAuthApi } from '../oauth-api';
import { header, readText } from '../oauth-api';
import type { Upstream } from '../upstream';
import { parseRetryAfter } from '../upstream';
import { ITEM_FIELDS, type BoxItem } from './box.mapper';

/** Where an upload goes: a new file `name` in `folderId`, or a new version of `fileId`. */
export interface UploadTarget {
  folderId: string;
  name: string;
  fileId?: string;
}

/** Box's answer to an upload: the file in a one-item collection. */
interface BoxFiles {
  entries: BoxItem[];
}

/** POST /files/upload_sessions (https://developer.box.com/reference/post-files-upload-sessions/). */
interface UploadSession {
  id: string;
  part_size: number;
  total_parts: number;
}

/** PUT /files/upload_sessions/{id} answers { part } (https://developer.box.com/reference/put-files-upload-sessions-id/). */
interface UploadedPart {
  part_id: string;
  offset: number;
  size: number;
  sha1?: string;
}

/** How often a commit answered 202 (parts still being processed) is tried again, and the longest wait between. */
const COMMIT_TRIES = 10;
const MAX_COMMIT_WAIT_S = 30;

/**
 * Box's two ways in: the simple multipart upload (POST /files/content, or
 * /files/{id}/content for a new version) streams the body through; the
 * chunked upload session takes parts of exactly the session's part_size, each
 * with the SHA-1 of its bytes in a Digest header, and a commit with the SHA-1
 * of the whole file. A part is the one thing held in memory (its digest must
 * precede it); `concurrency` parts are sent at once.
 */
export class BoxUploads {
  constructor(
    private readonly api: OAuthApi,
    private readonly upstream: Upstream,
    private readonly uploadUrl: string,
    private readonly concurrency: number,
  ) {}

  /** POST /files/content or /files/{id}/content (https://developer.box.com/reference/post-files-content/). */
  async simple(target: UploadTarget, body: Readable, size?: number): Promise<BoxItem> {
    // The attributes part must come first: Box refuses the file part before it (metadata_after_file_contents).
    const attributes = target.fileId ? { name: target.name } : { name: target.name, parent: { id: target.folderId } };
    const form = multipartForm(attributes, body, size);
    const url = target.fileId ? `${this.uploadUrl}/files/${target.fileId}/content` : `${this.uploadUrl}/files/content`;
    const files = await this.api.json<BoxFiles>('write', { method: 'POST', url, query: { fields: ITEM_FIELDS }, headers: form.headers, body: form.body });
    return onlyFile(files);
  }

  /** A chunked upload session (https://developer.box.com/guides/uploads/chunked/). `size` is required by Box up front. */
  async chunked(target: UploadTarget, body: Readable, size: number): Promise<BoxItem> {
    const session = await this.api.json<UploadSession>('write', {
      method: 'POST',
      url: target.fileId ? `${this.uploadUrl}/files/${target.fileId}/upload_sessions` : `${this.uploadUrl}/files/upload_sessions`,
      json: target.fileId ? { file_size: size, file_name: target.name } : { folder_id: target.folderId, file_size: size, file_name: target.name },
    });
    try {
      const { parts, sha1 } = await this.sendParts(session, body, size);
      return await this.commit(session, parts, sha1);
    } catch (err) {
      body.destroy();
      await this.abort(session.id);
      throw err;
    }
  }

  private async sendParts(session: UploadSession, body: Readable, size: number): Promise<{ parts: UploadedPart[]; sha1: string }> {
    const whole = createHash('sha1');
    const parts: UploadedPart[] = [];
    const running = new Set<Promise<void>>();
    let failure: unknown;
    let offset = 0;
    for await (const chunk of fixedParts(body, session.part_size)) {
      if (offset + chunk.length > size) throw new InvalidParametersError(`The upload has more than the ${size} bytes announced.`);
      whole.update(chunk);
      const at = offset;
      const task: Promise<void> = this.sendPart(session.id, chunk, at, size)
        .then((part) => void parts.push(part))
        .catch((err: unknown) => void (failure ??= err))
        .finally(() => running.delete(task));
      running.add(task);
      offset += chunk.length;
      while (running.size >= this.concurrency) await Promise.race(running);
      if (failure) break;
    }
    await Promise.all(running);
    if (failure) throw failure;
    if (offset !== size) throw new InvalidParametersError(`The upload has ${offset} bytes, not the ${size} announced.`);
    return { parts: parts.sort((a, b) => a.offset - b.offset), sha1: whole.digest('base64') };
  }

  /** One part; a Buffer, so it can be sent again after a 5xx or a token refresh. */
  private sendPart(sessionId: string, chunk: Buffer, offset: number, size: number): Promise<UploadedPart> {
    const headers = {
      'content-type': 'application/octet-stream',
      'content-range': `bytes ${offset}-${offset + chunk.length - 1}/${size}`,
      digest: `sha=${createHash('sha1').update(chunk).digest('base64')}`,
    };
    const url = `${this.uploadUrl}/files/upload_sessions/${sessionId}`;
    return this.upstream.call('write', async () => (await this.api.json<{ part: UploadedPart }>('write', { method: 'PUT', url, headers, body: chunk })).part, { retry: true });
  }

  /** POST …/commit; a 202 means Box is still processing parts: wait as its Retry-After says and commit again. */
  private async commit(session: UploadSession, parts: UploadedPart[], sha1: string): Promise<BoxItem> {
    const url = `${this.uploadUrl}/files/upload_sessions/${session.id}/commit`;
    for (let attempt = 1; ; attempt++) {
      const res = await this.api.send('write', { method: 'POST', url, headers: { digest: `sha=${sha1}` }, json: { parts } });
      const text = await readText(res.body, Infinity);
      if (res.status !== 202) return onlyFile(JSON.parse(text) as BoxFiles);
      if (attempt >= COMMIT_TRIES) throw new UpstreamError(202, 'Box kept processing the uploaded parts; the upload can be retried.');
      const wait = Math.min(parseRetryAfter(header(res.headers, 'retry-after')) ?? 1, MAX_COMMIT_WAIT_S);
      await sleep(wait * 1000);
    }
  }

  /** DELETE the session so its parts do not linger; best effort (the session expires anyway). */
  private async abort(sessionId: string): Promise<void> {
    try {
      const res = await this.api.send('write', { method: 'DELETE', url: `${this.uploadUrl}/files/upload_sessions/${sessionId}` });
      res.body.resume();
    } catch {
      // The upload's own error is the one to report.
    }
  }
}

function onlyFile(files: BoxFiles | undefined): BoxItem {
  const file = files?.entries?.[0];
  if (!file) throw new UpstreamError(undefined, 'Box answered the upload without the file.');
  return file;
}

/** A multipart/form-data body of `attributes` (JSON) then the file, streamed; its length when `size` is known. */
export function multipartForm(attributes: object, body: Readable, size?: number): { headers: Record<string, string>; body: Readable } {
  const boundary = `box-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="attributes"\r\n\r\n${JSON.stringify(attributes)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    let sent = 0;
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      sent += buf.length;
      if (size !== undefined && sent > size) throw new InvalidParametersError(`The upload has more than the ${size} bytes announced.`);
      yield buf;
    }
    if (size !== undefined && sent !== size) throw new InvalidParametersError(`The upload has ${sent} bytes, not the ${size} announced.`);
    yield tail;
  }
  const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${boundary}` };
  if (size !== undefined) headers['content-length'] = String(head.length + size + tail.length);
  return { headers, body: Readable.from(parts(), { objectMode: false }) };
}

/** Cuts a stream into Buffers of exactly `partSize` bytes (the last may be shorter). */
export async function* fixedParts(body: Readable, partSize: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const chunk of body) {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    while (pendingSize + buf.length >= partSize) {
      const take = partSize - pendingSize;
      pending.push(buf.subarray(0, take));
      yield Buffer.concat(pending, partSize);
      buf = buf.subarray(take);
      pending = [];
      pendingSize = 0;
    }
    if (buf.length) {
      pending.push(buf);
      pendingSize += buf.length;
    }
  }
  if (pendingSize) yield Buffer.concat(pending, pendingSize);
}

/**
 * Reads at most `limit` bytes: the whole body when it is no longer (`rest`
 * null), otherwise the same bytes again as a stream followed by the rest.
 */
export async function peek(body: Readable, limit: number): Promise<{ head: Buffer; rest: Readable | null }> {
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await it.next();
    if (next.done) return { head: Buffer.concat(chunks), rest: null };
    const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(buf);
    size += buf.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* chunks;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    }
  }
  return { head: Buffer.concat(chunks), rest: Readable.from(all(), { objectMode: false }) };
}


import type { Readable } from 'node:stream';
import { InvalidParametersError } from '@app/common';
import type { ChunkWriter, Entry, Features, PartReceipt, PartSpec, UploadedPart, UploadState } from '../connector';
import { checkPart, partsInOrder } from '../parts';

/** Dropbox's concurrent upload sessions take offsets and lengths in multiples of 4 MiB (the closing piece excepted). */
export const CONCURRENT_ALIGNMENT = 4 * 1024 * 1024;

/** The upload-session calls a writer needs, made by the connector (OAuthApi, error mapping). */
export interface DropboxSessionCalls {
  /** upload_session/append_v2 of `length` bytes at `offset`; `close` on the piece that ends the file. */
  append(sessionId: string, offset: number, body: Readable | Buffer, length: number, close: boolean): Promise<void>;
  /** upload_session/finish: commits `size` bytes as the file. */
  finish(sessionId: string, size: number): Promise<Entry>;
}

/**
 * A chunked write as one Dropbox *concurrent* upload session: parts go in any
 * order and in parallel as upload_session/append_v2 pieces at their offsets,
 * the piece that reaches the end of the file closes the session, and
 * complete() commits with upload_session/finish. Every part but the last
 * must be a multiple of 4 MiB (Dropbox's rule, stricter than minPartSize);
 * others are refused before anything is sent. Nothing shows until finish,
 * and an unfinished session expires upstream after 7 days (Dropbox has no
 * call to cancel one), so abort has nothing to remove.
 */
export class DropboxChunkWriter implements ChunkWriter {
  readonly state: UploadState;

  constructor(
    private readonly sessionId: string,
    private readonly size: number,
    private readonly limits: Pick<Features, 'minPartSize' | 'maxPartSize' | 'maxParts'>,
    private readonly calls: DropboxSessionCalls,
  ) {
    this.state = { sessionId, size };
  }

  async writePart(part: PartSpec, body: Readable): Promise<PartReceipt> {
    checkPart(part, this.size, this.limits);
    const last = part.offset + part.size === this.size;
    if (part.offset % CONCURRENT_ALIGNMENT !== 0 || (!last && part.size % CONCURRENT_ALIGNMENT !== 0)) {
      body.resume();
      throw new InvalidParametersError(`Dropbox takes parts in multiples of ${CONCURRENT_ALIGNMENT} bytes (the last part excepted); part ${part.number} has ${part.size} bytes at ${part.offset}.`);
    }
    await this.calls.append(this.sessionId, part.offset, body, part.size, last);
    // Dropbox reports no digest of a piece.
    return {};
  }

  async complete(parts: UploadedPart[]): Promise<Entry> {
    partsInOrder(parts, this.size);
    // An empty file has no part to close the session with.
    if (this.size === 0) await this.calls.append(this.sessionId, 0, Buffer.alloc(0), 0, true);
    return this.calls.finish(this.sessionId, this.size);
  }

  async abort(): Promise<void> {
    // Nothing to remove: the session's pieces are invisible and expire upstream.
  }
}

/** The state of a writer opened before, checked. */
export function resumedSession(state: UploadState, size: number): string {
  if (typeof state.sessionId !== 'string' || state.sessionId === '' || state.size !== size) {
    throw new InvalidParametersError('The upload state does not belong to a Dropbox upload of this size.');
  }
  return state.sessionId;
}

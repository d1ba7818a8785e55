import busboy from 'busboy';
import type { Request } from 'express';
import { InvalidParametersError } from '@app/common';
import { bodyOf, type BodySource } from '../storage/stream-proxy.service';

/** One request of a plupload upload: its fields (`name`, `chunk`, `chunks`, `file_id`, `file_size`, …) and its bytes, still a stream. */
export interface DropChunk {
  fields: Record<string, unknown>;
  body: BodySource;
  /** The bytes' length when the request says it (a raw body); a form's file part has none. */
  length?: number;
  /** Reads and discards what was not sent on, so a refused request still ends cleanly. */
  discard(): void;
}

/**
 * plupload sends a chunk either as the raw body with its fields in the query
 * string (`multipart: false`, what the File Picker does), or as a form with the
 * fields first and the file part last (`multipart: true`). Either way the bytes
 * stay a stream: a form is parsed up to the start of its file, no further.
 */
export function readDropChunk(req: Request): Promise<DropChunk> {
  if (!/^multipart\/form-data/i.test(req.header('content-type') ?? '')) {
    const length = Number(req.header('content-length'));
    return Promise.resolve({ fields: { ...(req.query as Record<string, unknown>) }, body: bodyOf(req), length: Number.isInteger(length) ? length : undefined, discard: () => void req.resume() });
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 8192, parts: 21 } });
    } catch {
      reject(new InvalidParametersError('The form is malformed.'));
      return;
    }
    const fields: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
    let settled = false;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream) => {
      settled = true;
      resolve({ fields, body: { stream, headers: { 'content-type': 'application/octet-stream' } }, discard: () => void (stream.resume(), req.resume()) });
    });
    parser.on('error', () => {
      if (!settled) reject(new InvalidParametersError('The form is malformed.'));
    });
    parser.on('close', () => {
      if (!settled) reject(new InvalidParametersError('The form has no file part.'));
    });
    req.pipe(parser);
  });
}

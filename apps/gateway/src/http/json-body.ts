import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { AppError, BadRequestError, InvalidParametersError } from '@app/common';

export interface BodyLimits {
  /** Largest body in bytes (413 above). */
  limit: number;
  /** Deepest nesting of arrays and objects (400 above). */
  maxDepth: number;
}

/**
 * Reads the request body, after the caller is authenticated and rate-limited
 * (BodyGuard): nothing is parsed for a request that will be refused. JSON on
 * POST/PUT/PATCH only — SDKs (kloudless-node) send a JSON body on GET and DELETE
 * too, which is ignored — whatever the Content-Type, except file bytes (left as
 * streams for the connectors); form bodies for the OAuth token endpoint,
 * including python's `application/form-urlencoded`. The nesting depth is
 * checked on the raw bytes before JSON.parse ever runs.
 * @throws AppError: 413 entity_too_large, 400 bad_request / invalid_parameters
 */
export async function readBody(req: Request, limits: BodyLimits): Promise<void> {
  if (!['POST', 'PUT', 'PATCH'].includes(req.method) || !hasBody(req) || isRawUpload(req)) return;
  const type = (req.header('content-type') ?? '').toLowerCase();
  if (type.includes('form-urlencoded')) {
    const form = express.urlencoded({ limit: limits.limit, extended: false, type: () => true });
    await run(form, req);
    return;
  }
  if (!type.includes('json')) return;
  await run(express.raw({ limit: limits.limit, type: () => true }), req);
  const raw = req.body as Buffer | undefined;
  req.body = parseJson(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), limits.maxDepth);
}

/** JSON.parse of an object or array (express' strict mode), refusing deeper nesting than `maxDepth` first. */
export function parseJson(raw: Buffer, maxDepth: number): unknown {
  if (raw.length === 0) return {};
  if (nestingExceeds(raw, maxDepth)) throw new InvalidParametersError(`The request body nests deeper than ${maxDepth} levels.`);
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw new BadRequestError('The request body is not valid JSON.');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
}

/** One pass over the bytes, counting `[`/`{` depth outside strings: linear, no recursion, no allocation. */
export function nestingExceeds(raw: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) {
      inString = true;
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (b === 0x5d || b === 0x7d) {
      depth--;
    }
  }
  return false;
}

function run(parser: RequestHandler, req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    parser(req, {} as Response, ((err?: unknown) => (err ? reject(bodyError(err as { type?: string; limit?: number })) : resolve())) as NextFunction);
  });
}

/** Bodies that are file bytes, left as streams for the connectors: uploads (any Content-Type), content replacement, multipart parts, PUTs to signed upload URLs. */
function isRawUpload(req: Request): boolean {
  if (req.header('x-kloudless-metadata') !== undefined) return true;
  // The raw pass-through's body is the upstream service's, whatever it is: streamed on untouched.
  if (req.method === 'POST' && /^\/v1\/accounts\/[^/]+\/raw\/?$/.test(req.path)) return true;
  return req.method === 'PUT' && (/\/storage\/(files|multipart)\/[^/]+\/?$/.test(req.path) || /^\/v1\/files\/uploads\/[^/]+\/?$/.test(req.path));
}

function hasBody(req: Request): boolean {
  return req.header('transfer-encoding') !== undefined || Number(req.header('content-length') ?? 0) > 0;
}

function bodyError(err: { type?: string; limit?: number }): AppError {
  if (err.type === 'entity.too.large') return new AppError('entity_too_large', `The request body is larger than the limit of ${err.limit} bytes.`);
  if (err.type === 'entity.parse.failed') return new BadRequestError('The request body is not valid JSON.');
  return new BadRequestError('The request body could not be read.');
}

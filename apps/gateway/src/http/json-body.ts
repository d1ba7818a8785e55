import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { AppError, BadRequestError } from '@app/common';
import { sendError } from './send-error';

/**
 * Parses JSON bodies of POST/PUT/PATCH only: SDKs (kloudless-node) send a JSON
 * body on GET and DELETE too, which is ignored. Also parses form bodies for
 * the OAuth token endpoint, including python's `application/form-urlencoded`.
 * Failures answer in the public error format here: they happen before routing.
 */
export function jsonBodyMiddleware(limit: number): RequestHandler {
  const json = express.json({ limit, type: () => true });
  const form = express.urlencoded({ limit, extended: false, type: ['application/x-www-form-urlencoded', 'application/form-urlencoded'] });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!['POST', 'PUT', 'PATCH'].includes(req.method) || !hasBody(req) || isRawUpload(req)) return next();
    const type = (req.header('content-type') ?? '').toLowerCase();
    if (!type.includes('json') && !type.includes('form-urlencoded')) return next();
    const parser = type.includes('json') ? json : form;
    parser(req, res, (err?: unknown) => {
      if (!err) return next();
      sendError(res, bodyError(err as { type?: string; limit?: number }), req.requestId);
    });
  };
}

/** Bodies that are file bytes, left as streams for the connectors: uploads (any Content-Type), content replacement, multipart parts. */
function isRawUpload(req: Request): boolean {
  if (req.header('x-kloudless-metadata') !== undefined) return true;
  return req.method === 'PUT' && /\/storage\/(files|multipart)\/[^/]+\/?$/.test(req.path);
}

function hasBody(req: Request): boolean {
  return req.header('transfer-encoding') !== undefined || Number(req.header('content-length') ?? 0) > 0;
}

function bodyError(err: { type?: string; limit?: number }): AppError {
  if (err.type === 'entity.too.large') return new AppError('entity_too_large', `The request body is larger than the limit of ${err.limit} bytes.`);
  if (err.type === 'entity.parse.failed') return new BadRequestError('The request body is not valid JSON.');
  return new BadRequestError('The request body could not be read.');
}

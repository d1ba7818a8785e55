import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { childTraceparent, httpRequestDuration, InvalidParametersError, requestContext, spanIdOf, spans, traceIdOf } from '@app/common';
import { sendError } from './send-error';
import { loggablePath } from './loggable-path';

export interface Caller {
  appId: string;
  /** Set for a Bearer token: the one account it authorizes. */
  accountId?: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    caller?: Caller;
  }
}

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id (the client's X-Request-Id when sane), echoes it, and scopes logs to it. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  req.requestId = given && CLIENT_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  // Continue the client's trace (W3C traceparent) or start one; every message and internal call carries it on.
  const traceparent = childTraceparent(req.header('traceparent'));
  requestContext.run({ requestId: req.requestId, traceparent, parentSpanId: spanIdOf(req.header('traceparent')) }, next);
}

/**
 * One access-log line per request: method, path (never the query, which may
 * carry raw parameters or a link password; tokens in the path are hidden), status, duration and the caller's app. Logged when
 * the response finishes, inside the request's context so it carries its id.
 */
export function accessLogMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The route template (never the raw path) keeps the label set bounded.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      httpRequestDuration.observe({ route, method: req.method, status: String(res.statusCode) }, ms / 1000);
      const ctx = requestContext.getStore();
      if (spans.enabled && ctx?.traceparent) {
        spans.record({
          traceId: traceIdOf(ctx.traceparent)!, spanId: spanIdOf(ctx.traceparent)!, parentSpanId: ctx.parentSpanId ?? undefined,
          name: `${req.method} ${route}`, kind: 'server', startMs: Date.now() - ms, endMs: Date.now(),
          attributes: { 'http.request.method': req.method, 'http.route': route, 'http.response.status_code': res.statusCode }, error: res.statusCode >= 500,
        });
      }
      // X-Kloudless-Source (`file-picker/<version>`, `kloudless-js/<version>`) says which client sent it: informational, logged as sent.
      const source = req.header('x-kloudless-source')?.replace(/[^\x20-\x7e]/g, '').slice(0, 64);
      logger.info({ method: req.method, path: loggablePath(req.path), status: res.statusCode, ms: Math.round(ms * 10) / 10, appId: req.caller?.appId, source }, 'gateway.request');
    });
    next();
  };
}

/** Kloudless clients add a trailing slash to some paths (kloudless-js always does): route both alike. */
export function trailingSlashMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path.length > 1 && path.endsWith('/')) req.url = path.replace(/\/+$/, '') + (q < 0 ? '' : req.url.slice(q));
  next();
}

/**
 * X-Kloudless-Raw-Headers must be a JSON object of header names to values. The raw
 * pass-through (`POST …/raw`) forwards them upstream where the account's connector
 * declares `features.rawPassthrough`; elsewhere they are ignored, but a malformed value
 * is still refused rather than silently ignored.
 */
export function rawHeadersMiddleware(req: Request, res: Response, next: NextFunction): void {
  const value = req.header('x-kloudless-raw-headers');
  if (value === undefined) return next();
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = null;
  }
  const ok = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string');
  if (ok) return next();
  sendError(res, new InvalidParametersError('X-Kloudless-Raw-Headers must be a JSON object of header names to string values.'), req.requestId);
}

/** kloudless-js parses a reply as JSON only if Content-Type is exactly `application/json` (no charset). */
export function exactJsonContentTypeMiddleware(_req: Request, res: Response, next: NextFunction): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (typeof value === 'string' && name.toLowerCase() === 'content-type' && value.startsWith('application/json')) {
      value = 'application/json';
    }
    return setHeader(name, value);
  };
  next();
}

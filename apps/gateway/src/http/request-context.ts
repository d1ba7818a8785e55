import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '@app/common';

export interface Caller {
  appId: string;
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
  requestContext.run({ requestId: req.requestId }, next);
}

/** Kloudless clients add a trailing slash to some paths (kloudless-js always does): route both alike. */
export function trailingSlashMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path.length > 1 && path.endsWith('/')) req.url = path.replace(/\/+$/, '') + (q < 0 ? '' : req.url.slice(q));
  next();
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

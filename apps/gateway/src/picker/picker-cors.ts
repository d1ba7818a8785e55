import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppService } from '../apps/app.service';

const CACHE_MS = 10_000;
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
/** Request headers the File Picker (and the Kloudless SDKs in a browser) send. */
const ALLOWED_HEADERS = new Set(['authorization', 'content-type', 'x-requested-with', 'x-request-id', 'x-drop-account', 'x-drop-folder', 'x-picker-id', 'x-explorer-id']);
const allowedHeader = (h: string) => ALLOWED_HEADERS.has(h) || /^x-kloudless-[a-z-]{1,32}$/.test(h);
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, Content-Range, Content-Length';

/** Which apps registered an origin (`PUT /v1/admin/apps/{app}/origins`), cached briefly: a change takes effect within 10 s. */
@Injectable()
export class OriginPolicy {
  private readonly cache = new Map<string, { apps: Set<string>; expires: number }>();

  constructor(private readonly apps: AppService) {}

  async appsAllowing(origin: string): Promise<Set<string>> {
    const hit = this.cache.get(origin);
    if (hit && hit.expires > Date.now()) return hit.apps;
    const apps = new Set(await this.apps.appsRegistering('origin', origin));
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(origin, { apps, expires: Date.now() + CACHE_MS });
    return apps;
  }
}

/** The app a route names without credentials: `/drop/{app_id}`, or `?app_id=` (public services, picker config). */
export function appNamedBy(req: Request): string | undefined {
  const drop = /^\/drop\/([^/]{1,128})\/?$/.exec(req.path);
  if (drop) return decodeURIComponent(drop[1]);
  const appId = req.query?.app_id;
  return typeof appId === 'string' && /^\/(v1\/public\/services|file-picker\/config)\/?$/.test(req.path) ? appId : undefined;
}

/**
 * CORS for the File Picker, which runs on its own origin and calls the API
 * from there: an app's registered origins only. A preflight is answered for an
 * origin the named app (or, where the route names none, some app) registered;
 * an actual response is readable by the origin only if the app it was served
 * for — the caller's, once authenticated, or the one the route names —
 * registered it. Any other origin gets no CORS header at all. No cookies are
 * used, so credentials are never allowed.
 */
export function pickerCors(policy: OriginPolicy) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const origin = req.header('origin');
    if (!origin || origin.length > 512 || !/^https?:\/\/[^/\s]+$/.test(origin)) return next();
    res.vary('Origin');
    let allowed: Set<string>;
    try {
      allowed = await policy.appsAllowing(origin);
    } catch {
      allowed = new Set();
    }
    const named = appNamedBy(req);
    if (req.method === 'OPTIONS' && req.header('access-control-request-method')) {
      if (named ? allowed.has(named) : allowed.size > 0) {
        const requested = (req.header('access-control-request-headers') ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
        res.setHeader('Access-Control-Allow-Headers', requested.filter(allowedHeader).join(', '));
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    if (allowed.size === 0) return next();
    // Decided when the headers go out: only then is the caller known (after authentication).
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
      const appId = req.caller?.appId ?? named;
      if (appId && allowed.has(appId) && !this.headersSent) {
        this.setHeader('Access-Control-Allow-Origin', origin);
        this.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      }
      return writeHead.apply(this, args);
    } as Response['writeHead'];
    next();
  };
}

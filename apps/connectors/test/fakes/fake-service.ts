import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenSource } from '../../src/connectors/oauth-api';

/**
 * What the fakes of the OAuth services (Google Drive, Dropbox, Box, OneDrive)
 * share: an HTTP server on loopback, access tokens that expire, injected
 * faults (a 429 with Retry-After, a 5xx) and a log of the requests. Each fake
 * implements its provider's published API on top, for the endpoints our
 * connector uses. They are fakes, not the services: the README says so.
 */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Only requests whose path contains this (default: every request). */
  pathContains?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  authorized: boolean;
}

/** Access tokens as an authorization server issues them: random, each with an expiry. */
export class FakeTokens {
  private readonly expiries = new Map<string, number>();
  refreshes = 0;

  constructor(private readonly ttlMs = 3_600_000) {}

  issue(ttlMs = this.ttlMs): string {
    const token = randomBytes(24).toString('base64url');
    this.expiries.set(token, Date.now() + ttlMs);
    return token;
  }

  isValid(token: string | undefined): boolean {
    const expires = token === undefined ? undefined : this.expiries.get(token);
    return expires !== undefined && expires > Date.now();
  }

  /** Makes `token` expired now (as if its lifetime had run out). */
  expire(token: string): void {
    if (this.expiries.has(token)) this.expiries.set(token, 0);
  }

  /**
   * A TokenSource as the connectors service has one: `current` is the token it
   * holds; `refreshAfter` gets a new one (once for many callers holding the same
   * used token, as auth guarantees).
   */
  source(initial = this.issue()): TokenSource & { token: string } {
    const tokens = this;
    let inFlight: { used: string; next: Promise<string> } | null = null;
    const source = {
      token: initial,
      current: async () => source.token,
      refreshAfter: async (used: string) => {
        if (used !== source.token) return source.token;
        if (inFlight?.used === used) return inFlight.next;
        const next = Promise.resolve().then(() => {
          tokens.refreshes += 1;
          source.token = tokens.issue();
          return source.token;
        });
        inFlight = { used, next };
        return next;
      },
    };
    return source;
  }
}

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<Buffer>) => Promise<void> | void;

export interface FakeService {
  readonly url: string;
  readonly tokens: FakeTokens;
  readonly requests: LoggedRequest[];
  /** The next `times` matching requests get this answer instead of the real one. */
  inject(fault: Fault, times?: number): void;
  stop(): Promise<void>;
}

/**
 * Starts `handler` behind the shared checks: the fault queue first, then the
 * Bearer token (`unauthorized(res)` answers an invalid or expired one in the
 * provider's own shape), then the handler. `anonymousPaths` need no token
 * (pre-authorized upload URLs).
 */
export async function startFakeService(options: {
  handler: FakeHandler;
  unauthorized: (res: ServerResponse) => void;
  tokens?: FakeTokens;
  /** Decides whether a Bearer token is good, instead of `tokens` (e.g. tokens of a real authorization server). */
  checkToken?: (token?: string) => Promise<boolean>;
  anonymousPaths?: (path: string) => boolean;
}): Promise<FakeService> {
  const tokens = options.tokens ?? new FakeTokens();
  const requests: LoggedRequest[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  const check = options.checkToken ?? ((token?: string) => tokens.isValid(token));
  const server = http.createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const authorized = await Promise.resolve(check(bearer)).catch(() => false);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, authorized });
    let cached: Promise<Buffer> | undefined;
    const body = () => (cached ??= readBody(req));
    const i = faults.findIndex((f) => !f.fault.pathContains || url.pathname.includes(f.fault.pathContains));
    if (i >= 0) {
      const { fault } = faults[i];
      if (--faults[i].left <= 0) faults.splice(i, 1);
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ error: `injected ${fault.status}` }));
      return;
    }
    if (!authorized && !options.anonymousPaths?.(url.pathname)) {
      req.resume();
      options.unauthorized(res);
      return;
    }
    Promise.resolve(options.handler(req, res, url, body)).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `fake failed: ${err.message}` }));
    });
  }
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    requests,
    inject: (fault, times = 1) => faults.push({ fault, left: times }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Parses `bytes=a-b` (the forms the connectors send); null when absent. */
export function requestedRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!m) return 'invalid';
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), size - 1) : size - 1;
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

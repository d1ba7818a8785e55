import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { AppError, guardedAgents, UpstreamError, type OutboundPolicy } from '@app/common';
import { mapHttpStatus, parseRetryAfter } from './upstream';

/**
 * The access token of one OAuth account, as the connectors service holds it.
 * Auth owns the tokens: `refreshAfter` asks it for a new one, and auth makes
 * sure one refresh happens per account however many callers ask.
 */
export interface TokenSource {
  /** The account's access token now. */
  current(): Promise<string>;
  /**
   * A token to use after the service refused `used` with 401: a peer's newer
   * token, or a freshly refreshed one. @throws AuthError when the user must reconnect
   */
  refreshAfter(used: string): Promise<string>;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL (the service's API, upload or content host). */
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /**
   * A raw body. A Buffer or string is sent again after a token refresh; a
   * stream cannot be, so a 401 on a streamed body fails retryably instead.
   */
  body?: Buffer | string | Readable;
  /** Send no Authorization header (pre-authorized upload URLs such as OneDrive's). */
  anonymous?: boolean;
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body, unread. */
  body: IncomingMessage;
}

/** A refused answer as a connector's mapper sees it. */
export interface ApiFailure {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as text (at most 64 KiB). */
  text: string;
  /** The connector's operation, for messages. */
  op: string;
}

export interface OAuthApiOptions {
  tokens: TokenSource;
  outbound: OutboundPolicy;
  /** The service's own error bodies → AppError (Dropbox's `path/not_found/`…); undefined falls back to the HTTP status. */
  mapFailure?: (failure: ApiFailure) => AppError | undefined;
  /** No bytes for this long → the request fails retryably. Default 60 s. */
  idleTimeoutMs?: number;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * HTTP for the OAuth services (Google Drive, Dropbox, Box, OneDrive): the
 * account's Bearer token on every request, one refresh-and-resend on 401,
 * and every non-2xx answer turned into an AppError: 429 becomes
 * `too_many_service_requests` with the service's Retry-After and is never
 * retried here (seed 002), 5xx a retryable UpstreamError.
 * Connections follow the outbound address policy and are kept alive.
 */
export class OAuthApi {
  private readonly agents: { httpAgent: http.Agent; httpsAgent: https.Agent };

  constructor(private readonly options: OAuthApiOptions) {
    this.agents = guardedAgents(options.outbound, { keepAlive: true, maxSockets: 32 });
  }

  /** Sends `req`; resolves with a 2xx/3xx response, whose body the caller reads. @throws AppError */
  async send(op: string, req: ApiRequest): Promise<ApiResponse> {
    const token = req.anonymous ? null : await this.options.tokens.current();
    let res = await this.once(req, token);
    if (res.status === 401 && token !== null) {
      res.body.resume();
      if (req.body instanceof Readable) {
        // The stream is spent; get the next call a good token and let the caller retry.
        await this.options.tokens.refreshAfter(token);
        throw new UpstreamError(401, 'The access token expired during an upload; the upload can be retried.');
      }
      res = await this.once(req, await this.options.tokens.refreshAfter(token));
    }
    if (res.status >= 400) throw await this.failure(op, res);
    return res;
  }

  /**
   * Sends `req` and resolves with whatever the service answered, errors
   * included (the raw pass-through). A 401 gets one refresh; the request is
   * sent again only if its body can be (a Buffer), otherwise the 401 is the answer.
   */
  async verbatim(req: Omit<ApiRequest, 'method' | 'json' | 'anonymous'> & { method: string }): Promise<ApiResponse> {
    const token = await this.options.tokens.current();
    const res = await this.once(req as ApiRequest, token);
    if (res.status !== 401) return res;
    if (req.body instanceof Readable) {
      await this.options.tokens.refreshAfter(token).catch(() => undefined);
      return res;
    }
    res.body.resume();
    return this.once(req as ApiRequest, await this.options.tokens.refreshAfter(token));
  }

  /** Sends `req` and parses a JSON answer. */
  async json<T>(op: string, req: ApiRequest): Promise<T> {
    const res = await this.send(op, req);
    const text = await readText(res.body, Infinity);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new UpstreamError(res.status, `The service answered ${op} with something that is not JSON.`);
    }
  }

  close(): void {
    this.agents.httpAgent.destroy();
    this.agents.httpsAgent.destroy();
  }

  private once(req: ApiRequest, token: string | null): Promise<ApiResponse> {
    const url = new URL(req.url);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { ...req.headers };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: Buffer | string | Readable | undefined = req.body;
    if (req.json !== undefined) {
      payload = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) headers['content-length'] = String(Buffer.byteLength(payload));
    else if (payload === undefined && req.method !== 'GET' && req.method !== 'DELETE') headers['content-length'] = '0';
    const lib = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? this.agents.httpsAgent : this.agents.httpAgent;
    const attempt = (retried: boolean): Promise<ApiResponse> => new Promise<ApiResponse>((resolve, reject) => {
      const request = lib.request(url, { method: req.method, headers, agent }, (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }));
      request.setTimeout(this.options.idleTimeoutMs ?? 60_000, () => request.destroy(new UpstreamError(undefined, 'The service stopped answering.')));
      request.on('error', (err) => {
        // A kept-alive socket the server closed as we reused it (its idle timeout): send once more on a
        // new one when the body can be sent again (Node's documented pattern, `request.reusedSocket`).
        const code = (err as NodeJS.ErrnoException).code;
        if (!retried && request.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') && !(payload instanceof Readable)) {
          attempt(true).then(resolve, reject);
          return;
        }
        reject(err instanceof AppError ? err : new UpstreamError(undefined, `The service could not be reached (${code ?? err.message}).`));
      });
      if (payload instanceof Readable) {
        payload.on('error', (err) => request.destroy(err));
        payload.pipe(request);
      } else {
        request.end(payload);
      }
    });
    return attempt(false);
  }

  private async failure(op: string, res: ApiResponse): Promise<AppError> {
    const text = await readText(res.body, MAX_ERROR_BODY).catch(() => '');
    const failure: ApiFailure = { status: res.status, headers: res.headers, text, op };
    const retryAfter = parseRetryAfter(header(res.headers, 'retry-after'));
    // 429 is the service's rate limit whatever its body says: passed on, never retried.
    if (res.status === 429) return mapHttpStatus(429, '', retryAfter)!;
    return this.options.mapFailure?.(failure) ?? mapHttpStatus(res.status, `The service refused ${op} (${res.status}).`, retryAfter) ?? new UpstreamError(res.status, `The service answered ${op} with ${res.status}.`);
  }
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a body as UTF-8, keeping at most `limit` bytes (the rest is drained). */
export async function readText(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (size < limit) chunks.push(buf.subarray(0, limit - size));
    size += buf.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, CONFIG, ERROR_CODES, ServiceUnavailableError, type ErrorCode, type MessageMeta, type PublicError } from '@app/common';
import type { GatewayConfig } from '../gateway.config';
import { sendError } from '../http/send-error';

/** Headers of the connectors' answer a client may see. */
const PASSED_BACK = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'retry-after', 'last-modified', 'etag'];
/** Headers of the client's request the connectors need. */
const PASSED_ON = ['content-type', 'content-length', 'transfer-encoding', 'range'] as const;
/** Set by the connectors on an answer that is an upstream service's own (the raw pass-through): passed on whatever its status. */
export const VERBATIM_MARKER = 'x-raw-upstream';
/** Headers of a verbatim answer that describe the internal hop, not the upstream's message. */
const NOT_PASSED_BACK = new Set([VERBATIM_MARKER, 'connection', 'keep-alive', 'transfer-encoding', 'x-request-id', 'x-powered-by', 'upgrade', 'trailer', 'te']);

export interface ForwardOptions {
  /** More request headers to pass on (the raw pass-through's X-Kloudless-Raw-*). */
  passOn?: string[];
  /** Pass an answer the connectors mark as the upstream's own back as it is, status and headers included. */
  verbatim?: boolean;
}

/** A body for the connectors and the request headers that go with it: the client's request itself, or a part of it (a form's file). */
export interface BodySource {
  stream: Readable;
  headers: Record<string, string>;
}

/** The client's request as a body source: its PASSED_ON headers and any of `passOn`. */
export function bodyOf(req: Request, passOn: string[] = []): BodySource {
  const headers: Record<string, string> = {};
  for (const name of [...PASSED_ON, ...passOn]) {
    const value = req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  return { stream: req, headers };
}

/**
 * Pipes a request body to the connectors' internal stream endpoint and its
 * answer back, with back-pressure both ways: a 2 GiB upload costs the gateway
 * a few socket buffers, not 2 GiB.
 */
@Injectable()
export class StreamProxy {
  private readonly base: URL;

  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {
    this.base = new URL(config.CONNECTORS_STREAM_URL);
  }

  /**
   * @param segments path below the account on the internal endpoint, one segment each: every one is
   *   percent-encoded, dots included, so no id (`..`, `%2e%2e`, `a/b`) can change which route is called.
   */
  async forward(
    req: Request,
    res: Response,
    meta: MessageMeta & { accountId: number },
    method: string,
    segments: string[],
    query: Record<string, string> = {},
    options: ForwardOptions = {},
  ): Promise<void> {
    const upstream = await this.open(bodyOf(req, options.passOn), meta, method, segments, query);
    const status = upstream.statusCode ?? 502;
    if (options.verbatim && upstream.headers[VERBATIM_MARKER] === '1') {
      res.status(status);
      for (const [name, value] of Object.entries(upstream.headers)) if (value !== undefined && !NOT_PASSED_BACK.has(name)) res.setHeader(name, value);
    } else if (status >= 400) {
      sendError(res, await publicErrorOf(upstream, status), meta.requestId);
      return;
    } else {
      res.status(status);
      for (const name of PASSED_BACK) {
        const value = upstream.headers[name];
        if (value !== undefined) res.setHeader(name, value);
      }
    }
    try {
      await pipeline(upstream, res);
    } catch {
      // The client or the connectors hung up mid-body; nothing more can be said on this response.
      if (!res.headersSent) sendError(res, new ServiceUnavailableError('The transfer was interrupted.'), meta.requestId);
    }
  }

  /**
   * Sends the request body to the connectors and waits for their answer without
   * passing it on: for a step of a larger exchange (a File Picker upload chunk).
   * @throws AppError the connectors' error, in the public shape
   */
  async send(body: BodySource, meta: MessageMeta & { accountId: number }, method: string, segments: string[], query: Record<string, string> = {}): Promise<unknown> {
    const upstream = await this.open(body, meta, method, segments, query);
    const status = upstream.statusCode ?? 502;
    if (status >= 400) throw await publicErrorOf(upstream, status);
    return readJson(upstream);
  }

  private async open(body: BodySource, meta: MessageMeta & { accountId: number }, method: string, segments: string[], query: Record<string, string>): Promise<IncomingMessage> {
    const path = segments.map((s) => encodeURIComponent(s).replace(/\./g, '%2E')).join('/');
    const url = new URL(`/internal/v1/accounts/${meta.accountId}/${path}`, this.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = { 'x-internal-token': this.config.INTERNAL_TOKEN, 'x-app-id': meta.appId, 'x-request-id': meta.requestId };
    if (meta.traceparent) headers.traceparent = meta.traceparent;
    Object.assign(headers, body.headers);
    const hasBody = method !== 'GET';
    if (!hasBody) delete headers['content-length'], delete headers['transfer-encoding'];

    return new Promise<IncomingMessage>((resolve, reject) => {
      const out = httpRequest(url, { method, headers }, resolve);
      out.on('error', reject);
      if (hasBody) pipeline(body.stream, out).catch(reject);
      else out.end();
    }).catch((err) => {
      throw new ServiceUnavailableError(`The connectors service is not available (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    });
  }
}

/**
 * The error the connectors answered, if it is in the public shape; anything
 * else (a framework's own 404 page, a proxy's HTML) becomes a generic public
 * error of the same status: internal text never reaches the client.
 */
async function publicErrorOf(upstream: IncomingMessage, status: number): Promise<AppError> {
  try {
    const body = (await readJson(upstream)) as Partial<PublicError>;
    if (typeof body.error_code === 'string' && (ERROR_CODES as Record<string, number>)[body.error_code] !== undefined && typeof body.message === 'string') {
      return AppError.fromPublic(body as PublicError);
    }
  } catch {
    // not JSON: fall through to the generic error
  }
  const code = (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c] === status) ?? 'bad_gateway';
  return new AppError(code, status === 404 ? 'Not found.' : 'The storage service answered with an error.');
}

/** A small JSON answer (at most 64 KiB read); what is not JSON throws. */
async function readJson(upstream: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upstream) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

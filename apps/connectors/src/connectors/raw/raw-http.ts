import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { UpstreamError } from '@app/common';
import { responseHeaders, type RawResponse } from './raw-request';

/** No byte either way for this long: the raw request fails (a raw call is one request, never retried). */
export const RAW_IDLE_TIMEOUT_MS = 60_000;

export interface RawHttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Readable;
  /** Agents that follow the outbound address policy (guardedAgents). */
  agents: { httpAgent: http.Agent; httpsAgent: https.Agent };
}

/**
 * Sends one request and resolves with the answer whatever its status, its
 * body unread: the body streams both ways with back-pressure, so neither
 * side is ever held whole. Redirects are not followed (the client sees them).
 */
export function sendRaw(req: RawHttpRequest): Promise<RawResponse> {
  const secure = req.url.protocol === 'https:';
  const lib = secure ? https : http;
  return new Promise<RawResponse>((resolve, reject) => {
    const out = lib.request(req.url, { method: req.method, headers: req.headers, agent: secure ? req.agents.httpsAgent : req.agents.httpAgent }, (res) => {
      resolve({ status: res.statusCode ?? 502, headers: responseHeaders(res.headers), body: res });
    });
    out.setTimeout(RAW_IDLE_TIMEOUT_MS, () => out.destroy(new UpstreamError(undefined, 'The service stopped answering.')));
    out.on('error', reject);
    if (req.body) {
      req.body.on('error', (err) => out.destroy(err));
      req.body.pipe(out);
    } else {
      out.end();
    }
  });
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * A request for `POST /v1/accounts/{id}/raw` as a connector receives it: sent
 * to the account's own upstream API with the account's credentials, its
 * answer returned verbatim.
 */
export interface RawRequest {
  /** An HTTP method token, upper case (X-Kloudless-Raw-Method). */
  method: string;
  /** X-Kloudless-Raw-URI as given: relative to the connector's API base, or absolute on one of its own origins. */
  uri: string;
  /** Headers to add (X-Kloudless-Raw-Headers); empty unless the connector declares `rawPassthrough`. */
  headers: Record<string, string>;
  /** Query parameters to add (`raw[name]=value`); empty unless the connector declares `rawPassthrough`. */
  query: Record<string, string>;
  /** The body to send, streamed, or none. */
  body?: Readable;
  /** Content-Type and Content-Length of that body, as the client declared them. */
  contentType?: string;
  contentLength?: number;
}

/** The upstream answer, unread: status, headers (minus hop-by-hop and credentials) and the body stream. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), never forwarded either way. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Headers a client may not set upstream: they carry our credentials, name the host, or frame the body (we do). */
const NOT_FROM_CLIENT = new Set([...HOP_BY_HOP, 'host', 'authorization', 'cookie', 'content-length', 'expect', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);
/** Response headers that would hand the client upstream credentials or session state. */
const NOT_TO_CLIENT = new Set([...HOP_BY_HOP, 'set-cookie', 'set-cookie2', 'authorization', 'www-authenticate', 'x-amz-security-token']);

/** The headers to send upstream from the client's: what X-Kloudless-Raw-Headers adds, less framing and credentials, and the body's type. */
export function clientHeaders(request: RawRequest, refuse: (name: string) => boolean = () => false): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (NOT_FROM_CLIENT.has(lower) || refuse(lower)) continue;
    headers[lower] = value;
  }
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (request.contentLength !== undefined) headers['content-length'] = String(request.contentLength);
  else if (request.body) headers['transfer-encoding'] = 'chunked';
  return headers;
}

/** The upstream answer's headers a client may see: no hop-by-hop ones (and none the Connection header names), no credentials. */
export function responseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_TO_CLIENT.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

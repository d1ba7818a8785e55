import { Readable } from 'node:stream';
import type { OAuthApi } from '../oauth-api';
import { clientHeaders, responseHeaders, type RawRequest, type RawResponse } from './raw-request';
import { rawRoot, resolveRawUri, withQuery, type RawRoot } from './raw-scope';

/** Bodies up to this size are kept so the request can be sent again after a token refresh; larger ones stream once. */
export const REPLAYABLE_BODY_BYTES = 1024 * 1024;

/** The roots of an OAuth service: the origins of its API and upload/content hosts, relative URIs on the first. */
export function oauthRawRoots(...urls: string[]): RawRoot[] {
  return urls.map((u) => ({ origin: rawRoot(u).origin, path: '' }));
}

/**
 * A raw request on an OAuth service with the account's Bearer token (through
 * OAuthApi: the address policy, one refresh on 401). Relative URIs are on the
 * API host (`/drive/v3/files`, `/2/files/list_folder`), absolute ones must
 * name one of the service's own hosts.
 */
export async function oauthRaw(api: OAuthApi, roots: RawRoot[], request: RawRequest): Promise<RawResponse> {
  const url = withQuery(resolveRawUri(request.uri, roots), request.query);
  const headers = clientHeaders(request);
  const body = request.body && (await replayable(request.body, REPLAYABLE_BODY_BYTES));
  if (Buffer.isBuffer(body)) {
    delete headers['content-length'];
    delete headers['transfer-encoding'];
  }
  const res = await api.verbatim({ method: request.method, url: url.toString(), headers, body });
  return { status: res.status, headers: responseHeaders(res.headers), body: res.body };
}

/** The whole body as a Buffer when it ends within `limit` bytes, else a stream of what was read and the rest. */
export async function replayable(body: Readable, limit: number): Promise<Buffer | Readable> {
  const chunks: Buffer[] = [];
  let size = 0;
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    const next = await it.next();
    if (next.done) return Buffer.concat(chunks);
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  return Readable.from((async function* () {
    yield* chunks;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  })());
}

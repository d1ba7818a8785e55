import type http from 'node:http';
import type https from 'node:https';
import { InvalidParametersError } from '@app/common';
import { sendRaw } from '../raw/raw-http';
import { clientHeaders, type RawRequest, type RawResponse } from '../raw/raw-request';
import { rawRoot, resolveRawUri, withQuery } from '../raw/raw-scope';
import type { WebdavConfig } from './webdav.config';

/**
 * Raw requests (PROPFIND, REPORT, LOCK…) below the account's collection URL,
 * with its basic-auth credentials. COPY and MOVE name their target in a
 * `Destination` header, which must stay below the collection too.
 */
export function webdavRaw(config: WebdavConfig, agents: { httpAgent: http.Agent; httpsAgent: https.Agent }, request: RawRequest): Promise<RawResponse> {
  const root = rawRoot(config.url);
  const url = withQuery(resolveRawUri(request.uri, [root]), request.query);
  const headers = clientHeaders(request);
  if (headers.destination !== undefined) {
    try {
      headers.destination = resolveRawUri(headers.destination, [root]).toString();
    } catch (err) {
      throw new InvalidParametersError(`The Destination header ${(err as Error).message.replace(/^X-Kloudless-Raw-URI /, '')}`);
    }
  }
  if (config.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;
  return sendRaw({ url, method: request.method, headers, body: request.body, agents });
}

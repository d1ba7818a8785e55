import type http from 'node:http';
import type https from 'node:https';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import { toHttpHeadersLike } from '@azure/core-http-compat';
import { StorageSharedKeyCredential, type WebResource } from '@azure/storage-blob';
import { InvalidParametersError } from '@app/common';
import { sendRaw } from '../raw/raw-http';
import { clientHeaders, type RawRequest, type RawResponse } from '../raw/raw-request';
import { rawRoot, resolveRawUri, withQuery } from '../raw/raw-scope';

/** The Blob service version raw requests speak unless the client sends its own x-ms-version. */
const DEFAULT_VERSION = '2025-01-05';

export interface AzureRawTarget {
  /** The container's URL, with the SAS of a SAS connection string in its query. */
  containerUrl: string;
  /** The SDK's credential of the account: a shared key signs, anything else (SAS, anonymous) does not. */
  credential: unknown;
}

/**
 * Raw requests on the account's container, signed by the SDK's shared-key
 * policy (or carrying the connection string's SAS). The container URL is the
 * root: another container of the same storage account is out of reach, and so
 * is a copy source (`x-ms-copy-source`) outside it.
 */
export async function azureRaw(target: AzureRawTarget, agents: { httpAgent: http.Agent; httpsAgent: https.Agent }, request: RawRequest): Promise<RawResponse> {
  const container = new URL(target.containerUrl);
  const sas = new URLSearchParams(container.search);
  container.search = '';
  const root = rawRoot(container);
  const url = withQuery(resolveRawUri(request.uri, [root]), request.query);
  for (const [key, value] of sas) url.searchParams.set(key, value);
  const headers = clientHeaders(request, (name) => name === 'x-ms-date');
  for (const name of ['x-ms-copy-source', 'x-ms-source-url']) {
    if (headers[name] === undefined) continue;
    try {
      resolveRawUri(headers[name], [root]);
      if (!/^https?:/i.test(headers[name])) throw new Error('relative');
    } catch {
      throw new InvalidParametersError(`${name} must be the URL of a blob in the account's own container.`);
    }
  }
  headers['x-ms-version'] ??= DEFAULT_VERSION;
  return sendRaw({ url, method: request.method, headers: signed(target.credential, url, request.method, headers), body: request.body, agents });
}

/** The headers with the SDK's SharedKey Authorization (and x-ms-date) when the account has a key. */
function signed(credential: unknown, url: URL, method: string, headers: Record<string, string>): Record<string, string> {
  if (!(credential instanceof StorageSharedKeyCredential)) return headers;
  let result: WebResource | undefined;
  const capture = { sendRequest: async (req: WebResource) => ((result = req), {} as never) };
  const webResource = { url: url.toString(), method, headers: toHttpHeadersLike(createHttpHeaders(headers)) } as unknown as WebResource;
  void credential.create(capture as never, {} as never).sendRequest(webResource);
  if (!result) throw new Error('azure.raw: the shared-key policy did not sign the request');
  return Object.fromEntries(result.headers.headersArray().map((h) => [h.name.toLowerCase(), h.value]));
}

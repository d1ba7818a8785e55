import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InvalidParametersError, UnsupportedError, type MessageMeta } from '@app/common';
import { has } from '../connectors/connector';
import type { RawResponse } from '../connectors/raw/raw-request';
import { AccountConnectors } from '../storage/account-connectors';

/** Methods a raw request may use: HTTP's and WebDAV's (CONNECT and TRACE are not requests to a service's API). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'SEARCH']);

export interface RawInput {
  uri: string | undefined;
  method: string | undefined;
  /** X-Kloudless-Raw-Headers as sent (JSON text). */
  headers: string | undefined;
  /** `raw[name]` query parameters: name → value. */
  query: Record<string, string>;
  body?: Readable;
  contentType?: string;
  contentLength?: number;
}

/** `POST /v1/accounts/{id}/raw`: the account's connector sends the request upstream with its credentials. */
@Injectable()
export class RawService {
  constructor(private readonly accounts: AccountConnectors) {}

  /** @throws InvalidParametersError for a bad method, headers or URI; UnsupportedError (501) for a service without an HTTP API */
  async send(meta: MessageMeta & { accountId: number }, input: RawInput): Promise<RawResponse> {
    const method = (input.method ?? '').trim().toUpperCase();
    if (!METHODS.has(method)) throw new InvalidParametersError(`X-Kloudless-Raw-Method must be one of ${[...METHODS].join(', ')}.`);
    if (!input.uri) throw new InvalidParametersError('The raw pass-through needs the X-Kloudless-Raw-URI header.');
    const headers = parseHeaders(input.headers);
    const connector = await this.accounts.get(meta, meta.accountId);
    if (!has(connector, 'raw')) {
      throw new UnsupportedError('This account\'s service has no HTTP API to pass a raw request to (raw requests reach S3, Azure, WebDAV, Google Drive, Dropbox, Box and OneDrive).');
    }
    // Added headers and query parameters go upstream only where the connector says it honours them.
    const passthrough = connector.features.rawPassthrough;
    return connector.raw({
      method,
      uri: input.uri,
      headers: passthrough ? headers : {},
      query: passthrough ? input.query : {},
      body: input.body,
      contentType: input.contentType,
      contentLength: input.contentLength,
    });
  }
}

function parseHeaders(raw: string | undefined): Record<string, string> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidParametersError('X-Kloudless-Raw-Headers must be a JSON object of header names to string values.');
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    // A header name is an RFC 9110 token; a value has no line breaks (no header injection).
    if (typeof v !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(v)) {
      throw new InvalidParametersError(`X-Kloudless-Raw-Headers has an invalid header ${JSON.stringify(name.slice(0, 64))}.`);
    }
    headers[name] = v;
  }
  return headers;
}

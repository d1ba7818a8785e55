import { createHash, createHmac, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { InvalidParametersError } from '@app/common';
import { sendRaw } from '../raw/raw-http';
import { clientHeaders, type RawRequest, type RawResponse } from '../raw/raw-request';
import { rawRoot, resolveRawUri, withQuery, type RawRoot } from '../raw/raw-scope';
import type { S3Config } from './s3.config';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): BinaryLike =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** SHA-256 / HMAC-SHA-256 with node:crypto, in the shape the SDK's signer takes (what @smithy/hash-node does). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/**
 * The account's bucket as the root of raw requests: `{endpoint}/{bucket}` in
 * path style (the endpoint serves every bucket, so the path is what confines),
 * `{bucket}.{endpoint host}` in virtual-host style; AWS itself when no endpoint.
 */
export function s3RawRoot(config: S3Config): RawRoot {
  const pathStyle = config.forcePathStyle || config.bucket.includes('.');
  const endpoint = new URL(config.endpoint ?? `https://s3.${config.region}.amazonaws.com`);
  const base = endpoint.pathname.replace(/\/+$/, '');
  if (pathStyle) return { origin: endpoint.origin, path: `${base}/${config.bucket}` };
  return rawRoot(`${endpoint.protocol}//${config.bucket}.${endpoint.host}${base}`);
}

/**
 * Raw requests on the account's bucket, SigV4-signed with its keys by the AWS
 * SDK's signer. The payload is sent unsigned (`UNSIGNED-PAYLOAD`, which S3
 * accepts over header signing), so the body streams instead of being hashed first.
 */
export async function s3Raw(config: S3Config, agents: { httpAgent: http.Agent; httpsAgent: https.Agent }, request: RawRequest): Promise<RawResponse> {
  const root = s3RawRoot(config);
  const url = withQuery(resolveRawUri(request.uri, [root]), request.query);
  const headers = clientHeaders(request, (name) => name.startsWith('x-amz-') && name !== 'x-amz-copy-source' && !name.startsWith('x-amz-meta-') && !SETTABLE_AMZ.has(name));
  checkCopySource(headers['x-amz-copy-source'], config.bucket);
  headers.host = url.host;
  headers['x-amz-content-sha256'] = request.body ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256;

  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const had = query[key];
    query[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  const signer = new SignatureV4({
    service: 's3',
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers,
  });
  // The query as the signer canonicalised it (RFC 3986), so what is sent is what was signed.
  url.search = [...url.searchParams].map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  return sendRaw({ url, method: request.method, headers: signed.headers as Record<string, string>, body: request.body, agents });
}

/** Request headers of S3's own (x-amz-*) a client may set; the signing ones (date, token, content hash) are ours. */
const SETTABLE_AMZ = new Set([
  'x-amz-acl', 'x-amz-storage-class', 'x-amz-tagging', 'x-amz-website-redirect-location', 'x-amz-server-side-encryption',
  'x-amz-metadata-directive', 'x-amz-tagging-directive', 'x-amz-copy-source-range', 'x-amz-request-payer', 'x-amz-expected-bucket-owner',
]);

/** A server-side copy may only read from the account's own bucket. */
function checkCopySource(value: string | undefined, bucket: string): void {
  if (value === undefined) return;
  let source: string;
  try {
    source = decodeURIComponent(value.split('?')[0]).replace(/^\/+/, '');
  } catch {
    source = '';
  }
  if (!source.startsWith(`${bucket}/`) || source.split('/').some((s) => s === '..' || s === '.')) {
    throw new InvalidParametersError('x-amz-copy-source must name an object of the account\'s own bucket.');
  }
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

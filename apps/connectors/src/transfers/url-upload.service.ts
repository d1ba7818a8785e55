import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  CONFIG,
  guardedAgents,
  InvalidParametersError,
  isOutboundRefused,
  OutboundPolicy,
  UpstreamError,
  type MessageMeta,
  type PublicStorageObject,
  type UploadTags,
} from '@app/common';
import type { ConnectorsConfig } from '../connectors.config';
import { AccountConnectors } from '../storage/account-connectors';
import { assertFree, checkName, parentFolder } from '../storage/object-paths';
import { toStorageObject, withTags } from '../storage/storage.mapper';
import { FileEvents } from '../storage/upload-events';
import { countedStream } from './counted-stream';

export interface UrlUploadRequest {
  url: string;
  destination: { accountId: number; parentId: string; name?: string };
  rawData: boolean;
  tags?: UploadTags;
}

const MAX_REDIRECTS = 5;
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * Upload from URL (issue 9 item 7): the URL is fetched here and streamed into
 * the destination's write, so the bytes pass through this process once and
 * never through the transfer service. Every connection, including each
 * redirect's, goes through agents that resolve the name and refuse private,
 * loopback and link-local addresses unless OUTBOUND_ALLOW_NETWORKS allows
 * them — the same policy as the connectors' own upstream calls.
 */
@Injectable()
export class UrlUploadService {
  private readonly agents: { httpAgent: Agent; httpsAgent: Agent };

  constructor(private readonly accounts: AccountConnectors, private readonly events: FileEvents, @Inject(CONFIG) config: ConnectorsConfig) {
    this.agents = guardedAgents(OutboundPolicy.parse(config.OUTBOUND_ALLOW_NETWORKS), { keepAlive: false });
  }

  async upload(meta: Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>, input: UrlUploadRequest, onProgress: (done: number, total: number | null) => void, signal: AbortSignal): Promise<PublicStorageObject> {
    const to = await this.accounts.get({ ...meta, accountId: input.destination.accountId }, input.destination.accountId);
    const folder = await parentFolder(to, input.destination.parentId);
    const { res, url } = await this.open(parseUrl(input.url), signal);
    try {
      const name = checkName(input.destination.name ?? nameFromUrl(url));
      await assertFree(to, folder, name);
      const length = res.headers['content-length'] === undefined ? null : Number(res.headers['content-length']);
      const total = Number.isSafeInteger(length) ? length : null;
      onProgress(0, total);
      const { stream, release } = countedStream(res, (done) => onProgress(done, total), signal, 'The upload was cancelled.');
      try {
        const mimeType = res.headers['content-type']?.split(';')[0]?.trim() || undefined;
        const written = await to.write(folder, name, stream, { size: total ?? undefined, mimeType }).catch((err: unknown) => {
          if (err instanceof AppError || signal.aborted) throw err;
          throw new UpstreamError(undefined, 'The download from the URL broke off; nothing was uploaded.');
        });
        const file = withTags(toStorageObject(written, input.destination.accountId, { rawData: input.rawData }), input.tags);
        await this.events.uploaded({ ...meta, accountId: input.destination.accountId }, file, { source: 'url', client: 'url', tags: input.tags });
        return file;
      } finally {
        release();
      }
    } finally {
      res.destroy();
    }
  }

  /** GET with redirects followed by hand (each hop checked by the agents); a 2xx response or a clear error. */
  private async open(start: URL, signal: AbortSignal): Promise<{ res: IncomingMessage; url: URL }> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const res = await this.get(url, signal);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return { res, url };
      res.resume();
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        if (hop >= MAX_REDIRECTS) throw new InvalidParametersError(`The URL redirected more than ${MAX_REDIRECTS} times.`);
        url = parseUrl(new URL(location, url).toString());
        continue;
      }
      if (status >= 400 && status < 500) throw new InvalidParametersError(`The URL answered ${status}; nothing was uploaded.`);
      throw new UpstreamError(status, `The URL's server answered ${status}; nothing was uploaded.`);
    }
  }

  private get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const https = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, { agent: https ? this.agents.httpsAgent : this.agents.httpAgent, signal, timeout: CONNECT_TIMEOUT_MS }, resolve);
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => {
        if (isOutboundRefused(err)) reject(new InvalidParametersError(`${(err as Error).message} (OUTBOUND_ALLOW_NETWORKS)`));
        else if (signal.aborted) reject(new Error('The upload was cancelled.'));
        else reject(new UpstreamError(undefined, `The URL could not be fetched (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`));
      });
      req.end();
    });
  }
}

/** http(s) only, no credentials in the URL (they would end up in logs and task params). */
function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidParametersError('url is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidParametersError(`Only http and https URLs can be uploaded from (got ${url.protocol.replace(':', '')}).`);
  if (url.username || url.password) throw new InvalidParametersError('url may not carry a user name or password.');
  return url;
}

/** The last path segment, decoded, or `download` when there is none. */
export function nameFromUrl(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop();
  let name = '';
  try {
    name = last ? decodeURIComponent(last) : '';
  } catch {
    name = last ?? '';
  }
  name = name.replace(/[\\/\0]/g, '_').slice(0, 255);
  return name && name !== '.' && name !== '..' ? name : 'download';
}

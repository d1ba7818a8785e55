import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkUrlShape, resolveSafely, UrlRefusedError, type NetworkClass } from './url-safety';

export const RESPONSE_KEEP_BYTES = 1024;
const RESPONSE_READ_LIMIT = 64 * 1024;

export interface SendResult {
  /** The receiver's status; null when no answer came. */
  statusCode: number | null;
  latencyMs: number;
  /** First 1 KB of the answer. */
  response: string | null;
  /** Why there was no answer: `timeout`, `connection refused`, `refused: …`. */
  error: string | null;
}

export interface ReceiverClientOptions {
  timeoutMs: number;
  allowNetworks: readonly NetworkClass[];
  userAgent?: string;
}

/**
 * POSTs one signed delivery. Connects only to the address that passed the
 * safety check (no second DNS lookup to rebind), never follows redirects (a
 * 3xx is just a non-2xx answer), and stops at the timeout whatever happens.
 */
export class ReceiverClient {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(private readonly opts: ReceiverClientOptions) {}

  async post(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.opts.timeoutMs);
    try {
      const u = checkUrlShape(url);
      const target = await Promise.race([
        resolveSafely(u.hostname, this.opts.allowNetworks),
        new Promise<never>((_, reject) => deadline.signal.addEventListener('abort', () => reject(new Error('timeout')), { once: true })),
      ]);
      const lookup: LookupFunction = (_host, options, cb) => {
        if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
        else cb(null, target.address, target.family);
      };
      const res = await this.request(u, headers, body, lookup, deadline.signal);
      return { statusCode: res.statusCode, response: res.body, error: null, latencyMs: elapsed() };
    } catch (err) {
      return { statusCode: null, response: null, error: describe(err, deadline.signal.aborted), latencyMs: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private request(u: URL, headers: Record<string, string>, body: string, lookup: LookupFunction, signal: AbortSignal) {
    const isHttps = u.protocol === 'https:';
    const mod = isHttps ? https : http;
    return new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
      const req = mod.request(
        {
          protocol: u.protocol,
          hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: u.port || (isHttps ? 443 : 80),
          path: `${u.pathname}${u.search}`,
          method: 'POST',
          agent: isHttps ? this.agents.https : this.agents.http,
          lookup,
          signal,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': this.opts.userAgent ?? 'unified-storage-webhooks/1',
          },
        },
        (res) => {
          const kept: Buffer[] = [];
          let keptBytes = 0;
          let read = 0;
          const finish = () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(kept).toString('utf8') });
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (keptBytes < RESPONSE_KEEP_BYTES) {
              const part = chunk.subarray(0, RESPONSE_KEEP_BYTES - keptBytes);
              kept.push(part);
              keptBytes += part.length;
            }
            // A receiver streaming a huge answer does not hold the worker: what we keep is already read.
            if (read > RESPONSE_READ_LIMIT) {
              res.destroy();
              finish();
            }
          });
          res.on('end', finish);
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

function describe(err: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  if (err instanceof UrlRefusedError) return `refused: ${err.message}`;
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': return 'connection reset';
    case 'ENOTFOUND': return 'host not found';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'host unreachable';
    default:
      if (code && code.startsWith('ERR_TLS') || /certificate|SSL|TLS/i.test(String((err as Error)?.message))) return `tls error: ${(err as Error).message}`.slice(0, 200);
      return `${code ?? 'error'}: ${String((err as Error)?.message ?? err)}`.slice(0, 200);
  }
}

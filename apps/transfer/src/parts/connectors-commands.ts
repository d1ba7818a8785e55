import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, CONFIG, ServiceUnavailableError, type MessageMeta, type PublicError } from '@app/common';
import type { TransferConfig } from '../transfer.config';

export type CommandMeta = Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>;

export interface CommandOptions {
  /** Aborting it cancels the command in the connectors service. */
  signal?: AbortSignal;
  onProgress?(done: number, total: number | null): void;
  /** No progress line for this long: the command is stalled and is cut off (StalledError). */
  stallMs?: number;
  /** The whole command may not take longer (StalledError too). */
  timeoutMs?: number;
}

/** A command that stopped making progress or ran past its time: worth retrying, in smaller pieces. */
export class StalledError extends Error {}
/** The caller's signal aborted the command. */
export class CancelledError extends Error {}

/**
 * Commands to the connectors service's internal transfer endpoint. Each answer
 * is NDJSON: progress lines, then `{result}` or `{error}` (a public error,
 * rethrown as its AppError). The bytes stay in connectors; this side only
 * reads the lines. @throws AppError | StalledError | CancelledError |
 * ServiceUnavailableError (connectors unreachable or gone mid-answer)
 */
@Injectable()
export class ConnectorsCommands {
  constructor(@Inject(CONFIG) private readonly config: TransferConfig) {}

  async run<T>(route: 'copy' | 'url' | 'folder' | 'delete' | 'prepare' | 'part' | 'complete' | 'abort', meta: CommandMeta, body: unknown, options: CommandOptions = {}): Promise<T> {
    const url = new URL(`/internal/v1/transfers/${route}`, this.config.CONNECTORS_STREAM_URL);
    const json = JSON.stringify(body);
    const local = new AbortController();
    let stalled = false;
    const cut = () => {
      stalled = true;
      local.abort();
    };
    const outer = () => local.abort();
    options.signal?.addEventListener('abort', outer, { once: true });
    if (options.signal?.aborted) local.abort();
    let stallTimer = options.stallMs ? setTimeout(cut, options.stallMs) : undefined;
    const totalTimer = options.timeoutMs ? setTimeout(cut, options.timeoutMs) : undefined;
    const alive = () => {
      if (!options.stallMs) return;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(cut, options.stallMs);
    };
    const ended = (err: unknown): never => {
      if (err instanceof AppError) throw err;
      if (stalled) throw new StalledError(`The ${route} command made no progress in time.`);
      if (options.signal?.aborted) throw new CancelledError('The task was cancelled.');
      throw new ServiceUnavailableError(`The connectors service is not available (${(err as NodeJS.ErrnoException)?.code ?? 'interrupted'}).`);
    };
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(url, { method: 'POST', headers: this.headers(meta, json), signal: local.signal }, resolve);
        req.on('error', reject);
        req.end(json);
      }).catch(ended);
      if (res.statusCode !== 200) {
        res.resume();
        throw new ServiceUnavailableError(`The connectors service refused the ${route} command (${res.statusCode}).`);
      }
      let buffered = '';
      try {
        for await (const chunk of res) {
          alive();
          buffered += chunk.toString('utf8');
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = JSON.parse(buffered.slice(0, nl)) as { progress?: number; total?: number | null; result?: T; error?: PublicError };
            buffered = buffered.slice(nl + 1);
            if (line.error) throw AppError.fromPublic(line.error);
            if ('result' in line) return line.result as T;
            if (typeof line.progress === 'number') options.onProgress?.(line.progress, line.total ?? null);
          }
        }
      } catch (err) {
        ended(err);
      }
      return ended(undefined);
    } finally {
      clearTimeout(stallTimer);
      clearTimeout(totalTimer);
      options.signal?.removeEventListener('abort', outer);
    }
  }

  private headers(meta: CommandMeta, json: string): Record<string, string> {
    return {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(json)),
      'x-internal-token': this.config.INTERNAL_TOKEN,
      'x-app-id': meta.appId,
      'x-request-id': meta.requestId,
      ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    };
  }
}

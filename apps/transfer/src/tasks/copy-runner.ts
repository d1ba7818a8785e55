import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, CONFIG, ServiceUnavailableError, type CopyFileTask, type MessageMeta, type PublicError, type PublicStorageObject } from '@app/common';
import type { TransferConfig } from '../transfer.config';

export interface CopyCallbacks {
  onProgress(done: number, total: number | null): void;
  /** Aborting it cancels the copy in the connectors service. */
  signal: AbortSignal;
}

/**
 * Runs a copy in the connectors service (its internal transfer endpoint): the
 * bytes stay there; this side reads the newline-delimited progress and the
 * result. @throws AppError with the public error the copy ended with
 */
@Injectable()
export class CopyRunner {
  private readonly url: URL;

  constructor(@Inject(CONFIG) private readonly config: TransferConfig) {
    this.url = new URL('/internal/v1/transfers/copy', config.CONNECTORS_STREAM_URL);
  }

  async copy(meta: Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>, task: CopyFileTask, cb: CopyCallbacks): Promise<PublicStorageObject> {
    const body = JSON.stringify({ source: task.source, destination: task.destination, rawData: task.rawData });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-internal-token': this.config.INTERNAL_TOKEN,
      'x-app-id': meta.appId,
      'x-request-id': meta.requestId,
      ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    };
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(this.url, { method: 'POST', headers, signal: cb.signal }, resolve);
      req.on('error', reject);
      req.end(body);
    }).catch((err) => {
      if (cb.signal.aborted) throw new AppError('bad_request', 'The task was cancelled.');
      throw new ServiceUnavailableError(`The connectors service is not available (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    });
    if (res.statusCode !== 200) throw new ServiceUnavailableError(`The connectors service refused the copy (${res.statusCode}).`);
    let buffered = '';
    try {
      for await (const chunk of res) {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, nl)) as { progress?: number; total?: number | null; result?: PublicStorageObject; error?: PublicError };
          buffered = buffered.slice(nl + 1);
          if (line.result) return line.result;
          if (line.error) throw AppError.fromPublic(line.error);
          if (typeof line.progress === 'number') cb.onProgress(line.progress, line.total ?? null);
        }
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (cb.signal.aborted) throw new AppError('bad_request', 'The task was cancelled.');
      throw new ServiceUnavailableError('The copy was interrupted.');
    }
    if (cb.signal.aborted) throw new AppError('bad_request', 'The task was cancelled.');
    throw new ServiceUnavailableError('The copy ended without a result.');
  }
}

import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ServiceUnavailableError } from '../errors';

/**
 * SIGTERM/SIGINT without dropping work: new HTTP requests are answered 503 at
 * once (the port stays open so callers get an answer, not a refused
 * connection), requests in flight — streams included — run to their end, then
 * the app closes (Kafka consumers finish and commit their current messages,
 * Bull queues wait for active jobs) and the process exits. Whatever is still
 * running after `graceMs` is cut off: an orchestrator's kill would do the same.
 */
export class GracefulShutdown {
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | null = null;

  constructor(private readonly app: INestApplication, private readonly logger: Logger, private readonly service: string, private readonly graceMs: number) {}

  /** Counts requests and refuses new ones while draining; install before any other middleware. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.draining) {
      const err = new ServiceUnavailableError(`The ${this.service} service is shutting down; retry on another instance.`);
      res.status(err.statusCode).setHeader('Connection', 'close').setHeader('Retry-After', '1').setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(err.toPublic((req as { requestId?: string }).requestId)));
      return;
    }
    this.inFlight++;
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      if (--this.inFlight === 0) this.idle?.();
    };
    res.once('finish', finished);
    res.once('close', finished);
    next();
  };

  listen(): void {
    const onSignal = (signal: NodeJS.Signals) => void this.shutdown(signal);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  async shutdown(signal: string): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const started = Date.now();
    this.logger.info({ signal, inFlight: this.inFlight, graceMs: this.graceMs }, `${this.service}.shutdown.draining`);
    const hardStop = setTimeout(() => {
      this.logger.warn({ inFlight: this.inFlight }, `${this.service}.shutdown.grace_expired`);
      process.exit(1);
    }, this.graceMs);
    hardStop.unref();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.app.close();
    this.logger.info({ ms: Date.now() - started }, `${this.service}.shutdown.done`);
    process.exit(0);
  }
}

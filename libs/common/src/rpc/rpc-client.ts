import { ClientKafka } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import type { z } from 'zod';
import { withTimeout } from '../async';
import { AppError, GatewayTimeoutError, ServiceUnavailableError } from '../errors';
import type { Contract, MessageMeta, Reply } from '../contracts/envelope';
import { kafkaOptions, type KafkaSettings } from '../kafka';
import { requestContext } from '../logging/logger';
import { rpcClientDuration, secondsSince } from '../metrics/metrics';
import { spans } from '../tracing/otlp-exporter';
import { childTraceparent, spanIdOf, traceIdOf } from '../tracing/traceparent';

export interface RpcSettings extends KafkaSettings {
  KAFKA_REQUEST_TIMEOUT_MS: number;
}

/**
 * Request-reply over Kafka. A reply of `{ ok: false }` is rethrown as the
 * AppError it describes; no answer within the timeout is a 504, a broker that
 * cannot be reached a 503. Never hangs.
 */
export class RpcClient {
  private readonly client: ClientKafka;
  private connected: Promise<void> | null = null;

  constructor(
    private readonly settings: RpcSettings,
    name: string,
    contracts: Contract<z.ZodType, unknown>[],
    private readonly logger: Logger,
  ) {
    const options = kafkaOptions(settings, name, logger);
    this.client = new ClientKafka({ ...options, producerOnlyMode: false });
    for (const c of contracts) this.client.subscribeToResponseOf(c.topic);
  }

  /** Connects in the background with retries; calls made before it is ready wait for it, bounded by the timeout. */
  connect(): Promise<void> {
    if (!this.connected) {
      this.connected = this.client.connect().then(
        () => undefined,
        (err) => {
          this.logger.error({ err: String(err) }, 'rpc.client.connect.failed');
          this.connected = null;
          throw new ServiceUnavailableError('The message broker cannot be reached.');
        },
      );
    }
    return this.connected;
  }

  async call<Req extends z.ZodType, Res>(contract: Contract<Req, Res>, meta: MessageMeta, data: z.input<Req>): Promise<Res> {
    const started = process.hrtime.bigint();
    const startedMs = Date.now();
    // This call is a span of its own: the handler's span is its child.
    const parent = meta.traceparent ?? requestContext.getStore()?.traceparent;
    const traceparent = childTraceparent(parent);
    let outcome = 'ok';
    try {
      return await this.roundTrip(contract, { ...meta, traceparent }, data);
    } catch (err) {
      outcome = err instanceof GatewayTimeoutError ? 'timeout' : err instanceof ServiceUnavailableError ? 'unavailable' : 'error';
      throw err;
    } finally {
      rpcClientDuration.observe({ topic: contract.topic, outcome }, secondsSince(started));
      if (spans.enabled) {
        spans.record({
          traceId: traceIdOf(traceparent)!, spanId: spanIdOf(traceparent)!, parentSpanId: spanIdOf(parent) ?? undefined,
          name: `send ${contract.topic}`, kind: 'client', startMs: startedMs, endMs: Date.now(),
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': contract.topic, outcome }, error: outcome !== 'ok',
        });
      }
    }
  }

  private async roundTrip<Req extends z.ZodType, Res>(contract: Contract<Req, Res>, meta: MessageMeta, data: z.input<Req>): Promise<Res> {
    const limit = this.settings.KAFKA_REQUEST_TIMEOUT_MS;
    const deadline = Date.now() + limit;
    const service = contract.topic.split('.')[0];
    await withTimeout(this.connect(), limit, () => new ServiceUnavailableError('The message broker cannot be reached.'));
    let reply: Reply<Res>;
    try {
      reply = await firstValueFrom(
        this.client.send<Reply<Res>>(contract.topic, { meta: { ...meta, deadline }, data }).pipe(timeout(Math.max(1, deadline - Date.now()))),
      );
    } catch (err) {
      if (err instanceof TimeoutError) {
        throw new GatewayTimeoutError(`The ${service} service did not answer within ${Math.round(limit / 1000)} s.`);
      }
      this.logger.error({ err: String(err), topic: contract.topic }, 'rpc.client.send.failed');
      throw new ServiceUnavailableError(`The ${service} service is not available.`);
    }
    if (!reply || typeof reply !== 'object' || !('ok' in reply)) {
      throw new AppError('bad_gateway', `The ${service} service sent a malformed reply.`);
    }
    if (reply.ok) return reply.data;
    throw AppError.fromPublic(reply.error);
  }

  /** Fire-and-forget event, keyed so one key's events stay ordered. */
  async emit(topic: string, key: string, value: unknown): Promise<void> {
    await this.connect();
    await firstValueFrom(this.client.emit(topic, { key, value }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

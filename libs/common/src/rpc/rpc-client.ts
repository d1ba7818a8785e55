import { randomUUID } from 'node:crypto';
import { Kafka, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { withTimeout } from '../async';
import { AppError, GatewayTimeoutError, ServiceUnavailableError } from '../errors';
import type { Contract, MessageMeta, Reply } from '../contracts/envelope';
import { replyTopicOf, type Caller } from '../contracts/topics';
import { BatchingProducer, kafkaOptions, type KafkaSettings } from '../kafka';
import { requestContext } from '../logging/logger';
import { rpcClientDuration, secondsSince } from '../metrics/metrics';
import { spans } from '../tracing/otlp-exporter';
import { childTraceparent, spanIdOf, traceIdOf } from '../tracing/traceparent';
import { RPC_HEADERS } from './rpc-headers';

export interface RpcSettings extends KafkaSettings {
  KAFKA_REQUEST_TIMEOUT_MS: number;
}

interface Pending {
  resolve: (reply: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * Request-reply over Kafka. Every instance of a calling service shares one
 * reply topic (`<service>.replies`) through one consumer group: each instance
 * owns some of its partitions and names one of them in each request, so a
 * reply comes back to the instance that asked, whatever was called. Requests
 * and events leave through a BatchingProducer.
 *
 * A reply of `{ ok: false }` is rethrown as the AppError it describes; no
 * answer within the timeout is a 504, a broker that cannot be reached a 503.
 * Never hangs.
 */
export class RpcClient {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly batcher: BatchingProducer;
  private readonly replyTopic: string | null;
  private consumer: Consumer | null = null;
  private replyPartitions: number[] = [];
  private nextPartition = 0;
  private readonly pending = new Map<string, Pending>();
  private connected: Promise<void> | null = null;

  /**
   * `calls`: the contracts this service calls; a service that calls nothing
   * only publishes events and runs no reply consumer.
   */
  constructor(
    private readonly settings: RpcSettings,
    private readonly service: Caller,
    calls: Contract<z.ZodType, unknown>[],
    private readonly logger: Logger,
  ) {
    const options = kafkaOptions(settings, `${service}-rpc`, logger);
    this.kafka = new Kafka(options.client);
    this.producer = this.kafka.producer(options.producer);
    this.batcher = new BatchingProducer(this.producer);
    this.replyTopic = calls.length > 0 ? replyTopicOf(service) : null;
  }

  /** Connects in the background with retries; calls made before it is ready wait for it, bounded by the timeout. */
  connect(): Promise<void> {
    if (!this.connected) {
      this.connected = this.start().catch((err) => {
        this.logger.error({ err: String(err) }, 'rpc.client.connect.failed');
        this.connected = null;
        void this.consumer?.disconnect().catch(() => undefined);
        this.consumer = null;
        throw new ServiceUnavailableError('The message broker cannot be reached.');
      });
    }
    return this.connected;
  }

  private async start(): Promise<void> {
    await this.producer.connect();
    if (!this.replyTopic) return;
    const topic = this.replyTopic;
    const options = kafkaOptions(this.settings, `${this.service}-replies`, this.logger);
    const consumer = this.kafka.consumer({ ...options.consumer, groupId: `${this.service}-replies` });
    this.consumer = consumer;
    // Ready once this instance owns a reply partition and has fetched from it
    // once: its start offset is then fixed, so no reply to a request sent from
    // here on can land before it.
    let joined = false;
    const ready = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        this.replyPartitions = e.payload.memberAssignment[topic] ?? [];
        joined = true;
        if (this.replyPartitions.length === 0) this.logger.error({ topic }, 'rpc.client.no_reply_partition: more instances than reply partitions');
      });
      consumer.on(consumer.events.FETCH, () => {
        if (joined) resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({ partitionsConsumedConcurrently: 6, autoCommitInterval: 5_000, eachBatch: (payload) => this.deliver(payload) });
    await ready;
  }

  private async deliver({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const id = message.headers?.[RPC_HEADERS.correlationId]?.toString();
      const waiter = id ? this.pending.get(id) : undefined;
      if (!id || !waiter) continue; // an answer nobody waits for any more (timed out, or before a restart)
      this.pending.delete(id);
      const error = message.headers?.[RPC_HEADERS.error]?.toString();
      if (error) {
        waiter.reject(new ServiceUnavailableError(`The remote service could not handle the request: ${error}`));
        continue;
      }
      try {
        waiter.resolve(JSON.parse(message.value?.toString() ?? 'null'));
      } catch {
        waiter.resolve(null);
      }
    }
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
    if (!this.replyTopic) throw new Error(`${this.service} declares no calls, so it has no reply topic: add the contract to its \`calls\``);
    if (this.replyPartitions.length === 0) throw new ServiceUnavailableError(`This ${this.service} instance has no reply partition; there are more instances than partitions of ${this.replyTopic}.`);
    const id = randomUUID();
    const partition = this.replyPartitions[this.nextPartition++ % this.replyPartitions.length];
    const answered = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GatewayTimeoutError(`The ${service} service did not answer within ${Math.round(limit / 1000)} s.`)), Math.max(1, deadline - Date.now()));
    });
    let reply: Reply<Res>;
    try {
      const sent = this.batcher
        .send(contract.topic, {
          value: JSON.stringify({ meta: { ...meta, deadline }, data }),
          headers: { [RPC_HEADERS.correlationId]: id, [RPC_HEADERS.replyTopic]: this.replyTopic, [RPC_HEADERS.replyPartition]: String(partition) },
        })
        .catch((err) => {
          this.logger.error({ err: String(err), topic: contract.topic }, 'rpc.client.send.failed');
          throw new ServiceUnavailableError(`The ${service} service is not available.`);
        });
      // A failed send rejects at once; otherwise the answer or the timeout settles it.
      reply = (await Promise.race([answered, timedOut, sent.then(() => new Promise<never>(() => undefined))])) as Reply<Res>;
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
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
    await this.batcher.send(topic, { key, value: JSON.stringify(value) });
  }

  async close(): Promise<void> {
    for (const [id, waiter] of this.pending) {
      waiter.reject(new ServiceUnavailableError('The service is shutting down.'));
      this.pending.delete(id);
    }
    await Promise.allSettled([this.consumer?.disconnect(), this.producer.disconnect()]);
  }
}

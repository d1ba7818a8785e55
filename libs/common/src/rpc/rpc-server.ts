import { ServerKafka, type KafkaContext, type OutgoingResponse } from '@nestjs/microservices';
import { Kafka, type Consumer, type EachBatchPayload, type EachMessagePayload, type KafkaMessage, type RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import { PerKeyOrder, Semaphore } from '../async';
import { BatchingProducer, OffsetTracker, type KafkaTransportOptions } from '../kafka';
import { RPC_HEADERS } from './rpc-headers';

export interface RpcServerTuning {
  /** Messages handled at once by this process, over all partitions. */
  concurrency: number;
  logger: Logger;
}

const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 10_000;

/**
 * Nest's Kafka server, with the same `@MessagePattern`/`@EventPattern`
 * handlers, but handling a partition's messages concurrently:
 *
 * - a request (it carries a reply topic) runs as soon as a place is free;
 *   requests have no order to keep;
 * - an event runs after the earlier events of its key (the account), beside
 *   other keys' events; a failed event handler is retried with backoff, in
 *   place, so its key stays in order and nothing is lost;
 * - at most `concurrency` messages run at once; when all places are taken the
 *   consumer stops fetching (backpressure);
 * - offsets are committed in order: a partition's commit point passes a
 *   message only once it and every message before it have finished, so a
 *   crash re-delivers whatever was still running (at least once, as before);
 * - replies leave through a BatchingProducer, many per produce request.
 */
export class KafkaRpcServer extends ServerKafka {
  private readonly places: Semaphore;
  private readonly keyOrder = new PerKeyOrder();
  private readonly trackers = new Map<string, OffsetTracker>();
  private readonly toCommit = new Map<string, { topic: string; partition: number; offset: string }>();
  private readonly running = new Set<Promise<void>>();
  private committing: Promise<void> | null = null;
  private replies: BatchingProducer | null = null;
  private stopping = false;

  constructor(options: KafkaTransportOptions, private readonly tuning: RpcServerTuning) {
    super(options);
    this.places = new Semaphore(tuning.concurrency);
  }

  /** kafkajs directly: Nest's loader imports it dynamically, which Jest cannot. */
  override async createClient<T = Kafka>(): Promise<T> {
    return new Kafka({ ...this.options.client, clientId: this.clientId, brokers: this.brokers as string[] }) as T;
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    if (topics.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics });
    this.replies = new BatchingProducer(this.producer!);
    await consumer.run({
      ...(this.options.run ?? {}),
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.dispatch(payload),
    });
  }

  /** Starts each message of the batch (waiting for a free place), and hands its offset back to kafkajs so fetching goes on. */
  private async dispatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const tracker = this.trackerOf(batch.topic, batch.partition);
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.stopping) return;
      await this.places.acquire();
      tracker.start(message.offset);
      const payload = { topic: batch.topic, partition: batch.partition, message, heartbeat, pause: () => () => undefined } as EachMessagePayload;
      // Resolves true once handled; false when an event was given up at shutdown, whose offset must then stay uncommitted.
      const work: Promise<boolean> = isRequest(message)
        ? this.handleMessage(payload).then(() => true)
        : this.keyOrder.run(message.key?.toString() ?? `offset:${message.offset}`, () => this.untilHandled(payload));
      const settled: Promise<void> = work
        .catch((err) => {
          this.tuning.logger.error({ err: String(err), topic: batch.topic }, 'kafka.message.failed');
          return true;
        })
        .then((handled) => {
          this.places.release();
          this.running.delete(settled);
          const offset = handled ? tracker.finish(message.offset) : null;
          if (offset !== null) this.commitSoon(batch.topic, batch.partition, offset);
        });
      this.running.add(settled);
      resolveOffset(message.offset);
      await heartbeat();
    }
  }

  /** An event handler that throws (a database down, say) is tried again until it succeeds or the process stops. */
  private async untilHandled(payload: EachMessagePayload): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.handleMessage(payload);
        return true;
      } catch (err) {
        if (this.stopping) {
          this.tuning.logger.warn({ err: String(err), topic: payload.topic }, 'kafka.event.left_for_restart');
          return false;
        }
        const wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1));
        this.tuning.logger.warn({ err: String(err), topic: payload.topic, attempt, retryInMs: wait }, 'kafka.event.retry');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private trackerOf(topic: string, partition: number): OffsetTracker {
    const key = `${topic}/${partition}`;
    let tracker = this.trackers.get(key);
    if (!tracker) this.trackers.set(key, (tracker = new OffsetTracker()));
    return tracker;
  }

  /** One commit request at a time, carrying the newest commit point of every partition that moved meanwhile. */
  private commitSoon(topic: string, partition: number, offset: string): void {
    this.toCommit.set(`${topic}/${partition}`, { topic, partition, offset });
    if (!this.committing) this.committing = this.commitLoop();
  }

  private async commitLoop(): Promise<void> {
    while (this.toCommit.size > 0) {
      const offsets = [...this.toCommit.values()];
      this.toCommit.clear();
      try {
        await this.consumer?.commitOffsets(offsets);
      } catch (err) {
        // A partition taken away by a rebalance refuses the commit; its new owner starts from the last commit point.
        this.tuning.logger.debug({ err: String(err) }, 'kafka.commit.failed');
      }
    }
    this.committing = null;
  }

  override async sendMessage(message: OutgoingResponse, replyTopic: string, replyPartition: string | undefined | null, correlationId: string, _context: KafkaContext): Promise<RecordMetadata[]> {
    const outgoing = await this.serializer.serialize(message.response);
    this.assignReplyPartition(replyPartition, outgoing);
    this.assignCorrelationIdHeader(correlationId, outgoing);
    this.assignErrorHeader(message, outgoing);
    this.assignIsDisposedHeader(message, outgoing);
    await this.replies!.send(replyTopic, outgoing);
    return [];
  }

  /** Stops fetching, lets what runs finish (the graceful-shutdown grace bounds it), commits, then disconnects. */
  override async close(): Promise<void> {
    this.stopping = true;
    await this.consumer?.stop().catch(() => undefined);
    await Promise.allSettled([...this.running]);
    await this.committing;
    await super.close();
  }
}

function isRequest(message: KafkaMessage): boolean {
  return Boolean(message.headers?.[RPC_HEADERS.correlationId] && message.headers?.[RPC_HEADERS.replyTopic]);
}

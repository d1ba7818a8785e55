import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';
import { z } from 'zod';
import { defineContract, handleRpc, KafkaRpcServer, kafkaOptions, RpcClient, type RpcSettings } from '@app/common';

// Request-reply and event handling over the development broker, in process:
// the dev broker's early fetch answers, RpcClient ↔ KafkaRpcServer with
// concurrency inside a partition, per-key order of events, retries of a failing
// event handler, and offsets committed once handled.

const logger = pino({ level: 'silent' });
const Echo = defineContract<{ echoed: string }>()('itest.echo', z.object({ text: z.string(), delayMs: z.number().int().default(0) }));
const EVENTS = 'itest.events';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let broker: ChildProcess;
let address: string;

beforeAll(async () => {
  const bin = path.join(__dirname, '..', '..', '.run', 'bin', 'kafka-dev-broker');
  // One partition each, so "within a partition" is what the tests exercise.
  broker = spawn(bin, ['itest.echo:1', `${EVENTS}:1`, 'itest.plain:1', 'gateway.replies:2', 'auth.replies:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  address = await new Promise<string>((resolve, reject) => {
    let out = '';
    broker.stdout!.on('data', (c) => {
      out += c;
      const m = /bootstrap=(\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    broker.once('exit', (code) => reject(new Error(`kafka-dev-broker exited with ${code}`)));
  });
}, 30_000);

afterAll(() => {
  broker?.kill('SIGTERM');
});

const settings = (): RpcSettings => ({
  KAFKA_BROKERS: address,
  KAFKA_MAX_WAIT_MS: 3000,
  KAFKA_PARTITIONS_CONCURRENCY: 3,
  KAFKA_HANDLER_CONCURRENCY: 16,
  KAFKA_REQUEST_TIMEOUT_MS: 5000,
});

describe('development broker', () => {
  it('answers a waiting fetch as soon as a message is produced, not after the whole max wait', async () => {
    const kafka = new Kafka({ clientId: 'itest-plain', brokers: [address], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'itest-plain', maxWaitTimeInMs: 3000 });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      const received: number[] = [];
      await consumer.subscribe({ topics: ['itest.plain'], fromBeginning: true });
      await consumer.run({ eachMessage: async () => void received.push(Date.now()) });
      await sleep(1500); // the consumer is now inside a 3 s fetch
      for (let i = 0; i < 3; i++) {
        const sent = Date.now();
        await producer.send({ topic: 'itest.plain', messages: [{ value: String(i) }] });
        while (received.length <= i) await sleep(5);
        // The mock alone answers only when the 3 s wait is over.
        expect(received[i] - sent).toBeLessThan(1000);
        await sleep(300);
      }
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    }
  }, 30_000);
});

describe('RpcClient and KafkaRpcServer', () => {
  let server: KafkaRpcServer;
  let client: RpcClient;
  const seen: Array<{ key: string; n: number; at: number }> = [];
  let failuresLeft = 0;
  let failedCalls = 0;

  beforeAll(async () => {
    server = new KafkaRpcServer(kafkaOptions(settings(), 'itest', logger, { fromBeginning: true }), { concurrency: 16, logger });
    server.addHandler(Echo.topic, async (payload: unknown) =>
      handleRpc(Echo, payload, logger, async ({ text, delayMs }) => {
        await sleep(delayMs);
        return { echoed: text };
      }),
    );
    server.addHandler(
      EVENTS,
      async (event: { key: string; n: number; delayMs: number }) => {
        if (event.key === 'flaky' && failuresLeft > 0) {
          failuresLeft--;
          failedCalls++;
          throw new Error('database down');
        }
        await sleep(event.delayMs);
        seen.push({ key: event.key, n: event.n, at: Date.now() });
      },
      true,
    );
    await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
    client = new RpcClient(settings(), 'gateway', [Echo], logger);
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await server?.close();
  }, 30_000);

  const meta = { requestId: 'itest', appId: 'app' };

  it('answers a call, and a fast request overtakes a slow one on the same partition', async () => {
    const finished: string[] = [];
    const slow = client.call(Echo, meta, { text: 'slow', delayMs: 1500 }).then((r) => finished.push(r.echoed));
    await sleep(50);
    const fast = client.call(Echo, meta, { text: 'fast', delayMs: 0 }).then((r) => finished.push(r.echoed));
    await Promise.all([slow, fast]);
    expect(finished).toEqual(['fast', 'slow']);
  }, 20_000);

  it('answers many concurrent calls, each with its own reply', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => client.call(Echo, meta, { text: `m${i}`, delayMs: i % 7 })));
    expect(replies.map((r) => r.echoed)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
  }, 20_000);

  it('turns a bad request into invalid_parameters, and no answer into 504', async () => {
    await expect(client.call(Echo, meta, { text: 5 } as never)).rejects.toMatchObject({ code: 'invalid_parameters' });
    const Nobody = defineContract<unknown>()('itest.plain', z.object({}));
    const quick = new RpcClient({ ...settings(), KAFKA_REQUEST_TIMEOUT_MS: 800 }, 'auth', [Nobody], logger);
    try {
      await quick.connect(); // joining its reply group takes longer than the 800 ms this call may wait
      await expect(quick.call(Nobody, meta, {})).rejects.toMatchObject({ code: 'gateway_timeout' });
    } finally {
      await quick.close();
    }
  }, 60_000);

  it('keeps events of one key in order while other keys run beside them, retries a failing handler in place, and commits what it handled', async () => {
    failuresLeft = 2;
    for (let n = 0; n < 10; n++) {
      // Earlier events of key "a" take longer: without per-key order they would finish last.
      await client.emit(EVENTS, 'a', { key: 'a', n, delayMs: (10 - n) * 20 });
      await client.emit(EVENTS, 'b', { key: 'b', n, delayMs: 0 });
    }
    for (let n = 0; n < 3; n++) await client.emit(EVENTS, 'flaky', { key: 'flaky', n, delayMs: 0 });
    const deadline = Date.now() + 15_000;
    while (seen.length < 23 && Date.now() < deadline) await sleep(20);

    const order = (key: string) => seen.filter((s) => s.key === key).map((s) => s.n);
    expect(order('a')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order('b')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // "b" did not wait for "a": its last event finished before a's.
    expect(seen.filter((s) => s.key === 'b').at(-1)!.at).toBeLessThan(seen.filter((s) => s.key === 'a').at(-1)!.at);
    // The flaky handler failed twice on event 0, then ran it and the rest, in order.
    expect(failedCalls).toBe(2);
    expect(order('flaky')).toEqual([0, 1, 2]);

    const admin = new Kafka({ clientId: 'itest-admin', brokers: [address], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      let committed = '';
      for (let i = 0; i < 50 && committed !== '23'; i++) {
        const [{ partitions }] = await admin.fetchOffsets({ groupId: 'itest-server', topics: [EVENTS] });
        committed = partitions[0].offset;
        await sleep(100);
      }
      expect(committed).toBe('23');
    } finally {
      await admin.disconnect();
    }
  }, 30_000);
});

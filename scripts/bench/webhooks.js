'use strict';
// `npm run bench:webhooks`: webhook delivery throughput and latency.
// Starts the whole system (built dist/, dev broker, test database), a local
// receiver on 127.0.0.1, and for each failure rate (0%, 1%, 10% of answers
// failing) publishes N `file.uploaded` events straight to Kafka, then prints
// deliveries per second and p50/p99 time from the event to its successful
// delivery. A benchmark that prints figures, not a test.
//
// A last run publishes at a steady BENCH_STEADY_RATE events/s (1000) for
// BENCH_STEADY_S seconds (10) and reports the latency at that load.
// An event never delivered is a failure: the run prints the count and exits
// non-zero when there is any (failing answers are retried, not failures).
//
// Environment: BENCH_EVENTS (10000), BENCH_CONCURRENCY (50: webhook worker
// concurrency), BENCH_SCHEDULE (retry schedule: failed
// answers are retried on it; default 1s,1s,2s,2s,5s), BENCH_BASE_PORT (18380).
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const { benchSecrets, reportFailures } = require('../lib/bench');
const { mkdtempSync } = require('node:fs');
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { Stack, ROOT } = require('../lib/stack');

const EVENTS = Number(process.env.BENCH_EVENTS || 10_000);
const CONCURRENCY = process.env.BENCH_CONCURRENCY || '50';
// Six attempts: at 10% failing answers an event fails all of them once in a million, so an undelivered event means one was lost.
const SCHEDULE = process.env.BENCH_SCHEDULE || '1s,1s,2s,2s,5s';
const BASE_PORT = Number(process.env.BENCH_BASE_PORT || 18380);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE || 1000);
const STEADY_S = Number(process.env.BENCH_STEADY_S || 10);
// Burst runs publish all events at once; the steady run paces them.
const RUNS = [
  { rate: 0, events: EVENTS },
  { rate: 0.01, events: EVENTS },
  { rate: 0.1, events: EVENTS },
  { rate: 0, events: STEADY_RATE * STEADY_S, steady: STEADY_RATE },
];
const STALL_MS = 20_000;

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function json(method, url, headers, body) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function main() {
  // The receiver: answers 500 to a share of requests, records each event's first 2xx.
  const state = { rate: 0, delivered: new Map(), attempts: 0, failedAnswers: 0, lastProgress: Date.now() };
  const receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.attempts++;
      if (Math.random() < state.rate) {
        state.failedAnswers++;
        res.writeHead(500).end('bench failure');
        return;
      }
      const id = req.headers['webhook-id'];
      if (!state.delivered.has(id)) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        state.delivered.set(id, Date.now() - Date.parse(body.data.bench_sent_at));
        state.lastProgress = Date.now();
      }
      res.writeHead(200).end('ok');
    });
  });
  receiver.keepAliveTimeout = 30_000;
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${receiver.address().port}/bench`;

  const secrets = benchSecrets();
  const stack = new Stack({
    basePort: BASE_PORT,
    database: process.env.BENCH_DATABASE || 'unified_storage_test',
    secrets,
    localRoot: mkdtempSync(path.join(os.tmpdir(), 'bench-local-')),
    logDir: path.join(ROOT, '.run', 'bench-logs', 'webhooks'),
    extra: {
      common: { LOG_LEVEL: 'warn' },
      webhooks: {
        WEBHOOK_RETRY_SCHEDULE: SCHEDULE,
        WEBHOOK_CONCURRENCY: CONCURRENCY,
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback',
        WEBHOOK_DISABLE_AFTER_FAILURES: '1000000',
        WEBHOOK_QUEUE_NAME: `webhooks-bench-${randomBytes(4).toString('hex')}`,
      },
    },
  });
  console.log(`starting the stack (logs in ${stack.logDir})…`);
  try {
    await stack.start();
  } catch (err) {
    await stack.stop();
    receiver.close();
    throw err;
  }
  const kafka = new Kafka({ clientId: 'bench-webhooks', brokers: [stack.broker.address], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  const rows = [];
  let failures = 0;
  try {
    for (const { rate, events: total, steady } of RUNS) {
      const app = await json('POST', `${stack.gatewayUrl}/v1/admin/apps`, { authorization: `Bearer ${secrets.ADMIN_TOKEN}` }, { name: `bench ${rate}` });
      const auth = { authorization: `APIKey ${app.api_key}` };
      await json('POST', `${stack.gatewayUrl}/v1/webhooks`, auth, { url: receiverUrl, events: ['file.uploaded'] });
      state.rate = rate;
      state.delivered = new Map();
      state.attempts = 0;
      state.failedAnswers = 0;

      const started = Date.now();
      state.lastProgress = started;
      // Steady: a batch of rate/10 every 100 ms; burst: batches of 500 as fast as Kafka takes them.
      const batch = steady ? Math.max(1, Math.round(steady / 10)) : 500;
      for (let sent = 0; sent < total; sent += batch) {
        if (steady) {
          const due = started + (sent / steady) * 1000;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        }
        const messages = [];
        for (let i = sent; i < Math.min(total, sent + batch); i++) {
          const account = 1 + (i % 50);
          const now = new Date().toISOString();
          const event = {
            id: randomUUID(),
            type: 'file.uploaded',
            occurredAt: now,
            appId: app.id,
            accountId: account,
            data: {
              account,
              file: { api: 'storage', type: 'file', id: `f${i}`, name: `file-${i}.bin`, path: `/file-${i}.bin`, size: 1024 },
              client: 'computer',
              source: 'api',
              upload_tags: { bench: String(i) },
              bench_sent_at: now,
            },
          };
          messages.push({ key: String(account), value: JSON.stringify(event) });
        }
        await producer.send({ topic: 'file.uploaded', messages });
      }
      const published = Date.now();
      while (state.delivered.size < total && Date.now() - state.lastProgress < STALL_MS) await new Promise((r) => setTimeout(r, 100));
      const finished = state.lastProgress;
      const latencies = [...state.delivered.values()].sort((a, b) => a - b);
      failures += total - state.delivered.size;
      const row = {
        load: steady ? `steady ${steady}/s` : 'burst',
        'failing answers': `${rate * 100}%`,
        delivered: `${state.delivered.size}/${total}`,
        'deliveries/s': Math.round(state.delivered.size / ((finished - started) / 1000)),
        'p50 ms': percentile(latencies, 50),
        'p99 ms': percentile(latencies, 99),
        'max ms': latencies[latencies.length - 1],
        'HTTP attempts': state.attempts,
        'publish s': ((published - started) / 1000).toFixed(1),
      };
      rows.push(row);
      console.log(row);
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await stack.stop();
    receiver.closeAllConnections();
    receiver.close();
  }
  console.log(`\nwebhooks: ${EVENTS} file.uploaded events per burst run, ${STEADY_RATE}/s for ${STEADY_S} s in the steady run, one endpoint, worker concurrency ${CONCURRENCY}, retry schedule 0,${SCHEDULE}`);
  console.log('latency = from the event\'s publication to its first 2xx answer (failed answers are retried on the schedule)');
  console.table(rows);
  reportFailures(failures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

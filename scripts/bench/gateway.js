'use strict';
// npm run bench:gateway — two calls through the whole system started as
// `npm start` does (dev broker, five processes):
//   GET /v1/accounts/{id}                        gateway → auth (Kafka) → Postgres → back
//   GET /v1/accounts/{id}/storage/folders/root/contents
//                                                gateway → connectors (Kafka) → disk → back
// each with 1 client and with BENCH_CONNECTIONS (50) clients for BENCH_DURATION_S
// (20) seconds. Prints requests/s, latency percentiles and the failure count;
// exits non-zero when any request failed (non-2xx, error or timeout).
// The per-account and per-app rate limits are raised for the run: they would
// otherwise answer most requests with 429 and the figures would measure that.
const autocannon = require('autocannon');
const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { benchSecrets, reportFailures } = require('../lib/bench');
const { Stack, RUN } = require('../lib/stack');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const DURATION = Number(process.env.BENCH_DURATION_S || 20);
const MAX_WAIT_MS = process.env.KAFKA_MAX_WAIT_MS || '500';

async function main() {
  const secrets = benchSecrets();
  const stack = new Stack({
    basePort: 19080,
    database: 'unified_storage_test',
    secrets,
    localRoot: mkdtempSync(path.join(os.tmpdir(), 'bench-local-')),
    logDir: path.join(RUN, 'bench-logs'),
    extra: {
      common: { LOG_LEVEL: 'warn', KAFKA_MAX_WAIT_MS: MAX_WAIT_MS },
      gateway: { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_APP_PER_SECOND: '1000000' },
    },
  });
  await stack.start();
  let failures = 0;
  const rows = [];
  try {
    const request = async (method, p, auth, body) => {
      const res = await fetch(stack.gatewayUrl + p, { method, headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
      const json = await res.json();
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const app = await request('POST', '/v1/admin/apps', `Bearer ${secrets.ADMIN_TOKEN}`, { name: 'bench' });
    const auth = `APIKey ${app.api_key}`;
    const account = await request('POST', '/v1/accounts', auth, { service: 'local', config: { path: 'bench' } });
    for (let i = 0; i < 10; i++) await request('POST', `/v1/accounts/${account.id}/storage/folders`, auth, { parent_id: 'root', name: `folder-${i}` });

    const targets = [
      ['GET /v1/accounts/{id}', `${stack.gatewayUrl}/v1/accounts/${account.id}`],
      ['GET …/folders/root/contents (10 entries)', `${stack.gatewayUrl}/v1/accounts/${account.id}/storage/folders/root/contents`],
    ];
    // Warm-up: connections, key cache, consumer fetch loops.
    for (const [, url] of targets) await autocannon({ url, connections: 10, duration: 2, headers: { Authorization: auth } });
    for (const [label, url] of targets) {
      for (const connections of [1, CONNECTIONS]) {
        const r = await autocannon({ url, connections, duration: DURATION, headers: { Authorization: auth } });
        const failed = r.non2xx + r.errors + r.timeouts;
        failures += failed;
        rows.push({
          call: label,
          clients: connections,
          'requests/s': Math.round(r.requests.average),
          total: r.requests.total,
          'p50 ms': r.latency.p50,
          'p90 ms': r.latency.p90,
          'p99 ms': r.latency.p99,
          'max ms': r.latency.max,
          failures: failed,
        });
        console.log(rows[rows.length - 1]);
      }
    }
  } finally {
    await stack.stop();
  }
  console.log(`\n${DURATION} s per row, dev broker, KAFKA_MAX_WAIT_MS=${MAX_WAIT_MS}, ${os.cpus().length} CPUs, rate limits raised for the run`);
  console.table(rows);
  reportFailures(failures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

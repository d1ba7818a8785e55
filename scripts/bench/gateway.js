'use strict';
// npm run bench:gateway — GET /v1/accounts/{id} (gateway → auth over Kafka and
// back) with 50 concurrent clients for 20 s, against the whole system started
// as `npm start` does (dev broker, five processes). Prints requests/s and
// latency percentiles. A benchmark, not a test: it asserts nothing.
const autocannon = require('autocannon');
const { randomBytes } = require('node:crypto');
const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Stack, RUN } = require('../lib/stack');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const DURATION = Number(process.env.BENCH_DURATION_S || 20);

async function main() {
  const secrets = {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    INTERNAL_TOKEN: randomBytes(24).toString('base64url'),
    CREDENTIALS_TRANSPORT_KEY: randomBytes(32).toString('base64'),
  };
  const stack = new Stack({
    basePort: 19080,
    database: 'unified_storage_test',
    secrets,
    localRoot: mkdtempSync(path.join(os.tmpdir(), 'bench-local-')),
    logDir: path.join(RUN, 'bench-logs'),
    extra: { common: { LOG_LEVEL: 'warn', KAFKA_MAX_WAIT_MS: process.env.KAFKA_MAX_WAIT_MS || '5' } },
  });
  await stack.start();
  try {
    const post = (p, auth, body) =>
      fetch(stack.gatewayUrl + p, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const app = await post('/v1/admin/apps', `Bearer ${secrets.ADMIN_TOKEN}`, { name: 'bench' });
    const account = await post('/v1/accounts', `APIKey ${app.api_key}`, { service: 'local', config: { path: 'bench' } });
    const url = `${stack.gatewayUrl}/v1/accounts/${account.id}`;
    // Warm-up: connections, key cache, consumer fetch loops.
    await autocannon({ url, connections: 10, duration: 2, headers: { Authorization: `APIKey ${app.api_key}` } });
    const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers: { Authorization: `APIKey ${app.api_key}` } });
    const non2xx = r.non2xx + r.errors + r.timeouts;
    console.log(`GET /v1/accounts/{id}: ${CONNECTIONS} connections, ${DURATION} s, dev broker (KAFKA_MAX_WAIT_MS=${process.env.KAFKA_MAX_WAIT_MS || '5'})`);
    console.log(`  requests/s   ${r.requests.average.toFixed(0)} (total ${r.requests.total})`);
    console.log(`  latency ms   p50 ${r.latency.p50}  p90 ${r.latency.p90}  p99 ${r.latency.p99}  max ${r.latency.max}`);
    console.log(`  failures     ${non2xx} (non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

'use strict';
// The variables each service's config schema knows, read from the compiled
// schemas themselves (dist/), so the start scripts, `npm start -- --help` and
// .env.example cannot drift from what the services validate.
const fs = require('node:fs');
const path = require('node:path');
const { parseEnv } = require('node:util');

const ROOT = path.resolve(__dirname, '..', '..');
const SHAPES = {
  gateway: ['gateway/src/gateway.config.js', 'gatewayConfigShape'],
  auth: ['auth/src/auth.config.js', 'authConfigShape'],
  connectors: ['connectors/src/connectors.config.js', 'connectorsConfigShape'],
  transfer: ['transfer/src/transfer.config.js', 'transferConfigShape'],
  webhooks: ['webhooks/src/webhooks.config.js', 'webhooksConfigShape'],
};

/**
 * Set by the stack for each service (its own database role, its ports, the
 * broker it started): a value from the environment would be wrong for some
 * of the five, so these are not passed through.
 */
const STACK_MANAGED = new Set([
  // secrets and the local root are given to the stack by its caller (npm start reads them from the environment and .env)
  'ENCRYPTION_KEY', 'ADMIN_TOKEN', 'INTERNAL_TOKEN', 'CREDENTIALS_TRANSPORT_KEY', 'LOCAL_STORAGE_ROOT',
  'DATABASE_URL', 'HEALTH_PORT', 'GATEWAY_PORT', 'KAFKA_BROKERS', 'CONNECTORS_STREAM_URL',
  'AUTH_HEALTH_URL', 'CONNECTORS_HEALTH_URL', 'TRANSFER_HEALTH_URL', 'WEBHOOKS_HEALTH_URL',
]);

/** name -> { services: string[], required: boolean, default: unknown } in schema order. */
function configCatalog() {
  const catalog = new Map();
  for (const [service, [file, exportName]] of Object.entries(SHAPES)) {
    const shape = require(path.join(ROOT, 'dist/apps', file))[exportName];
    for (const [name, schema] of Object.entries(shape)) {
      const probe = schema.safeParse(undefined);
      const entry = catalog.get(name) ?? { services: [], required: !probe.success, default: probe.success ? probe.data : undefined };
      entry.services.push(service);
      catalog.set(name, entry);
    }
  }
  return catalog;
}

/** The variables of `.env` at the root (dotenv syntax), or {} when there is none. */
function readDotEnv(file = path.join(ROOT, '.env')) {
  if (!fs.existsSync(file)) return {};
  return parseEnv(fs.readFileSync(file, 'utf8'));
}

/** `.env` under the process environment: the environment wins. */
function userEnv({ env = process.env, dotEnvFile } = {}) {
  return { ...readDotEnv(dotEnvFile), ...env };
}

/** The variables of `env` a service's schema knows, without the stack-managed ones. */
function passThrough(service, env, catalog = configCatalog()) {
  const out = {};
  for (const [name, entry] of catalog) {
    if (!entry.services.includes(service) || STACK_MANAGED.has(name)) continue;
    if (env[name] !== undefined && env[name] !== '') out[name] = env[name];
  }
  return out;
}

function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** Read by the scripts themselves (start, tests, benchmarks), not by a service. */
const SCRIPT_VARIABLES = new Set([
  'DATABASE_NAME', 'DATABASE_NAMES', 'TEST_DATABASE', 'KAFKA_DEV_PARTITIONS', 'SERVICE_NODE_OPTIONS', 'E2E_LOG_LEVEL',
]);

/** Variables that look like ours but no service knows: likely typos, with the closest known name. */
function unknownLookalikes(env, catalog = configCatalog()) {
  const known = [...catalog.keys()];
  const prefixes = new Set(known.map((n) => n.split('_')[0]));
  const found = [];
  for (const name of Object.keys(env)) {
    if (catalog.has(name) || SCRIPT_VARIABLES.has(name) || name.startsWith('BENCH_') || !/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
    let best = null;
    for (const k of known) {
      const dist = editDistance(name, k);
      if (!best || dist < best.dist) best = { name: k, dist };
    }
    const looksOurs = best.dist <= 2 || (name.includes('_') && prefixes.has(name.split('_')[0]) && !['NODE', 'npm', 'HOME', 'PATH'].includes(name.split('_')[0]));
    if (looksOurs) found.push({ name, suggestion: best.dist <= 3 ? best.name : null });
  }
  return found;
}

function describeDefault(entry) {
  if (entry.required) return '(required)';
  return entry.default === undefined ? '(unset)' : String(entry.default);
}

/** The text of .env.example. */
function envExample(catalog = configCatalog()) {
  const lines = [
    '# Generated from the services\' config schemas by `node scripts/env-example.js --write`; do not edit by hand.',
    '# Copy to .env and uncomment what you change. The environment wins over .env.',
    '# `npm start` generates ENCRYPTION_KEY, ADMIN_TOKEN, INTERNAL_TOKEN and CREDENTIALS_TRANSPORT_KEY into .run/secrets.json when unset',
    '# (set them here or in the environment to choose), and LOCAL_STORAGE_ROOT defaults to .run/local-storage.',
    '# It sets per service what it manages itself: DATABASE_URL, ports, broker and health URLs.',
    '',
  ];
  const chosenByCaller = new Set(['ENCRYPTION_KEY', 'ADMIN_TOKEN', 'INTERNAL_TOKEN', 'CREDENTIALS_TRANSPORT_KEY', 'LOCAL_STORAGE_ROOT']);
  for (const [name, entry] of catalog) {
    if (STACK_MANAGED.has(name) && !chosenByCaller.has(name)) continue;
    lines.push(`# ${entry.services.join(', ')}; default ${describeDefault(entry)}`);
    lines.push(`# ${name}=${entry.required || entry.default === undefined ? '' : entry.default}`);
  }
  return lines.join('\n') + '\n';
}

/** The table `npm start -- --help` prints. */
function helpTable(catalog = configCatalog()) {
  const rows = [...catalog].map(([name, e]) => [name, e.services.join(','), describeDefault(e) + (STACK_MANAGED.has(name) ? ' [set by npm start]' : '')]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map((r) => `  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`).join('\n');
}

module.exports = { configCatalog, readDotEnv, userEnv, passThrough, unknownLookalikes, envExample, helpTable, STACK_MANAGED };

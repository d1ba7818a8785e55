'use strict';
// Starts and stops the whole system on one machine: the development Kafka
// broker and the five services as separate Node processes. Used by
// `npm start` and by the end-to-end tests (with their own ports and database).
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const RUN = path.join(ROOT, '.run');
const { configCatalog, passThrough, userEnv } = require('./config-catalog');
const SERVICES = ['auth', 'connectors', 'transfer', 'webhooks', 'gateway'];

/** Ports of one stack: the gateway on `base`, the back services' health servers on base+1.. */
function ports(base) {
  return { gateway: base, auth: base + 1, connectors: base + 2, transfer: base + 3, webhooks: base + 4 };
}

/** The dev broker with every topic at its kind's partition count (topicLayout), or all at KAFKA_DEV_PARTITIONS when set. */
function startBroker({ partitions = Number(process.env.KAFKA_DEV_PARTITIONS || 0), logFile } = {}) {
  const { topicLayout } = require(path.join(ROOT, 'dist/libs/common/src/contracts/topics.js'));
  const bin = path.join(RUN, 'bin', 'kafka-dev-broker');
  const topics = topicLayout().map((t) => `${t.topic}:${partitions || t.partitions}`);
  const child = spawn(bin, topics, { stdio: ['ignore', 'pipe', logFile ? fs.openSync(logFile, 'a') : 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('kafka-dev-broker did not print its address within 60 s'));
    }, 60_000);
    child.once('exit', (code) => reject(new Error(`kafka-dev-broker exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /bootstrap=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ address: m[1], child, stop: () => stopChild(child) });
      }
    });
  });
}

/**
 * Environment of each service: its own database role, ports, and the shared
 * broker; then every variable of the service's config schema found in the
 * environment or `.env` (`env`); then the caller's `extra` (tests' overrides).
 */
function serviceEnvs({ broker, basePort, database, secrets, localRoot, extra = {}, env = userEnv() }) {
  const p = ports(basePort);
  const catalog = configCatalog();
  const user = (svc) => passThrough(svc, env, catalog);
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: env.NODE_ENV || 'development',
    LOG_LEVEL: 'info',
    KAFKA_BROKERS: broker,
    KAFKA_MAX_WAIT_MS: '500',
    KAFKA_PARTITIONS_CONCURRENCY: '12',
  };
  const db = (svc) => `postgres://svc_${svc}:svc_${svc}@127.0.0.1:5432/${database}`;
  // The two services that stream bytes run with a 2 MiB young generation: they churn through
  // short-lived buffers, and collecting them sooner keeps peak RSS lower (bench:storage, 1 GiB:
  // gateway peak 276 → 234 MB) at no throughput cost. The others keep Node's default, which
  // suits their many small allocations (webhooks delivered ~15% fewer per second with it).
  const streaming = { NODE_OPTIONS: env.SERVICE_NODE_OPTIONS || '--max-semi-space-size=2' };
  const base = (svc) => ({ ...common, ...user(svc), ...extra.common });
  return {
    auth: { ...base('auth'), DATABASE_URL: db('auth'), HEALTH_PORT: String(p.auth), ENCRYPTION_KEY: secrets.ENCRYPTION_KEY, CREDENTIALS_TRANSPORT_KEY: secrets.CREDENTIALS_TRANSPORT_KEY, ...extra.auth },
    connectors: { ...base('connectors'), ...streaming, DATABASE_URL: db('connectors'), HEALTH_PORT: String(p.connectors), LOCAL_STORAGE_ROOT: localRoot, INTERNAL_TOKEN: secrets.INTERNAL_TOKEN, CREDENTIALS_TRANSPORT_KEY: secrets.CREDENTIALS_TRANSPORT_KEY, ...extra.connectors },
    transfer: { ...base('transfer'), DATABASE_URL: db('transfer'), HEALTH_PORT: String(p.transfer), INTERNAL_TOKEN: secrets.INTERNAL_TOKEN, CONNECTORS_STREAM_URL: `http://127.0.0.1:${p.connectors}`, ...extra.transfer },
    webhooks: { ...base('webhooks'), DATABASE_URL: db('webhooks'), HEALTH_PORT: String(p.webhooks), ENCRYPTION_KEY: secrets.ENCRYPTION_KEY, ...extra.webhooks },
    gateway: {
      ...base('gateway'),
      ...streaming,
      DATABASE_URL: db('gateway'),
      GATEWAY_PORT: String(p.gateway),
      ADMIN_TOKEN: secrets.ADMIN_TOKEN,
      INTERNAL_TOKEN: secrets.INTERNAL_TOKEN,
      CONNECTORS_STREAM_URL: `http://127.0.0.1:${p.connectors}`,
      AUTH_HEALTH_URL: `http://127.0.0.1:${p.auth}/health/ready`,
      CONNECTORS_HEALTH_URL: `http://127.0.0.1:${p.connectors}/health/ready`,
      TRANSFER_HEALTH_URL: `http://127.0.0.1:${p.transfer}/health/ready`,
      WEBHOOKS_HEALTH_URL: `http://127.0.0.1:${p.webhooks}/health/ready`,
      ...extra.gateway,
    },
  };
}

function startService(name, env, logFile) {
  const main = path.join(ROOT, 'dist/apps', name, 'src/main.js');
  const out = logFile ? fs.openSync(logFile, 'a') : 'inherit';
  return spawn(process.execPath, [main], { env, stdio: ['ignore', out, out], cwd: ROOT });
}

function stopChild(child, signal = 'SIGTERM', graceMs = 30_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(t); resolve(); });
    child.kill(signal);
  });
}

async function waitFor(url, { timeoutMs = 60_000, status = 200 } = {}) {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.status === status) return res;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/** Secrets of the development stack, generated once and kept in .run/ so restarts can read old data. */
function devSecrets(env = userEnv()) {
  const file = path.join(RUN, 'secrets.json');
  let secrets = {};
  if (fs.existsSync(file)) secrets = JSON.parse(fs.readFileSync(file, 'utf8'));
  let changed = false;
  if (!secrets.ENCRYPTION_KEY) { secrets.ENCRYPTION_KEY = randomBytes(32).toString('base64'); changed = true; }
  if (!secrets.ADMIN_TOKEN) { secrets.ADMIN_TOKEN = randomBytes(24).toString('base64url'); changed = true; }
  if (!secrets.INTERNAL_TOKEN) { secrets.INTERNAL_TOKEN = randomBytes(24).toString('base64url'); changed = true; }
  if (!secrets.CREDENTIALS_TRANSPORT_KEY) { secrets.CREDENTIALS_TRANSPORT_KEY = randomBytes(32).toString('base64'); changed = true; }
  if (changed) {
    fs.mkdirSync(RUN, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return {
    ENCRYPTION_KEY: env.ENCRYPTION_KEY || secrets.ENCRYPTION_KEY,
    ADMIN_TOKEN: env.ADMIN_TOKEN || secrets.ADMIN_TOKEN,
    INTERNAL_TOKEN: env.INTERNAL_TOKEN || secrets.INTERNAL_TOKEN,
    CREDENTIALS_TRANSPORT_KEY: env.CREDENTIALS_TRANSPORT_KEY || secrets.CREDENTIALS_TRANSPORT_KEY,
  };
}

/**
 * A whole stack. `start()` brings up the broker and every service and waits
 * for GET /health to be 200; `stopService`/`startService` let tests take one
 * service down and back.
 */
class Stack {
  constructor({ basePort, database, secrets, localRoot, logDir, extra, env }) {
    this.env = env;
    this.basePort = basePort;
    this.database = database;
    this.secrets = secrets;
    this.localRoot = localRoot;
    this.logDir = logDir;
    this.extra = extra;
    this.children = {};
    this.gatewayUrl = `http://127.0.0.1:${basePort}`;
  }

  async start() {
    fs.mkdirSync(this.logDir, { recursive: true });
    fs.mkdirSync(this.localRoot, { recursive: true });
    this.broker = await startBroker({ logFile: path.join(this.logDir, 'broker.log') });
    this.envs = serviceEnvs({ broker: this.broker.address, basePort: this.basePort, database: this.database, secrets: this.secrets, localRoot: this.localRoot, extra: this.extra, env: this.env });
    for (const name of SERVICES) this.startService(name);
    try {
      await this.waitHealthy();
    } catch (err) {
      // Leave no orphan holding the ports: the next start would fail on them.
      await this.stop();
      throw err;
    }
    return this;
  }

  startService(name) {
    this.children[name] = startService(name, this.envs[name], path.join(this.logDir, `${name}.log`));
    return this.children[name];
  }

  async stopService(name, signal = 'SIGTERM') {
    await stopChild(this.children[name], signal);
  }

  waitHealthy(timeoutMs = 90_000) {
    return waitFor(`${this.gatewayUrl}/health`, { timeoutMs });
  }

  async stop() {
    await Promise.all(Object.values(this.children).map((c) => stopChild(c)));
    if (this.broker) await this.broker.stop();
  }
}

module.exports = { Stack, SERVICES, ports, devSecrets, waitFor, startBroker, serviceEnvs, ROOT, RUN };

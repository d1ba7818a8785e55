'use strict';
// npm run bench:storage — uploads and downloads one large file (2 GiB by
// default, BENCH_SIZE_MB to change) through the gateway to a `local` account
// and to an `s3_compatible` account (s3rver on loopback), then does the same
// copies with rclone against the same targets. Prints MB/s for each and the
// peak RSS (VmHWM) of the gateway and connectors processes. A benchmark: it
// prints figures, counts the transfers that failed (an error, a non-2xx answer
// or a short download) and exits non-zero when any did.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { MB, benchSecrets, ensureRclone, rclone, reportFailures, writeRandomFile } = require('../lib/bench');
const { Stack, RUN, ROOT } = require('../lib/stack');

const SIZE = Number(process.env.BENCH_SIZE_MB || 2048) * 1024 * 1024;

/** A file of random bytes, made once and reused by later runs. */
async function sourceFile() {
  const file = path.join(os.tmpdir(), `bench-storage-${SIZE}.bin`);
  if (fs.existsSync(file) && fs.statSync(file).size === SIZE) return file;
  await writeRandomFile(file, SIZE);
  return file;
}

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startS3rver() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-s3-'));
  const port = await freePort();
  const child = spawn(process.execPath, [
    '--openssl-legacy-provider', '-r', path.join(ROOT, 'apps/connectors/test/servers/s3rver-patch.cjs'),
    require.resolve('s3rver/bin/s3rver.js'), '-d', dir, '-a', '127.0.0.1', '-p', String(port), '--silent', '--no-vhost-buckets', '--configure-bucket', 'bench',
  ], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => net.connect(port, '127.0.0.1').on('connect', function () { this.end(); r(true); }).on('error', () => r(false)));
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint: `http://127.0.0.1:${port}`, dir, stop: () => { child.kill(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

let failures = 0;

/** Seconds `fn` took, or NaN (counted as a failure) when it failed. */
async function timed(fn) {
  const t = process.hrtime.bigint();
  try {
    await fn();
    return Number(process.hrtime.bigint() - t) / 1e9;
  } catch (err) {
    failures++;
    console.error(String(err));
    return NaN;
  }
}

function httpUpload(url, key, file, name) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { Authorization: `APIKey ${key}`, 'X-Kloudless-Metadata': JSON.stringify({ name, parent_id: 'root' }), 'Content-Type': 'application/octet-stream', 'Content-Length': String(SIZE) },
    }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(body)) : reject(new Error(`upload answered ${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    pipeline(fs.createReadStream(file, { highWaterMark: MB }), req).catch(reject);
  });
}

function httpDownload(url, key) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { Authorization: `APIKey ${key}` } }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 && bytes === SIZE ? resolve() : reject(new Error(`download answered ${res.statusCode} with ${bytes} bytes`))));
    }).on('error', reject);
  });
}

function rss(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

/** Runs `fn` while sampling the RSS of `pids` every 250 ms; returns the largest sample of each. */
async function sampled(pids, fn) {
  const max = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids)) max[name] = Math.max(max[name], rss(pid));
  }, 250);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return max;
}

function peakRss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function main() {
  ensureRclone();
  console.log(`preparing a ${SIZE / MB} MiB file…`);
  const file = await sourceFile();
  const s3 = await startS3rver();
  const localRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-storage-local-'));
  const secrets = benchSecrets();
  const stack = new Stack({ basePort: 19280, database: 'unified_storage_test', secrets, localRoot, logDir: path.join(RUN, 'bench-logs'), extra: { common: { LOG_LEVEL: 'warn' }, gateway: { RATE_LIMIT_PER_SECOND: '1000' }, connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback' } } });
  await stack.start();
  await new Promise((r) => setTimeout(r, 2000));
  const idle = { gateway: peakRss(stack.children.gateway.pid), connectors: peakRss(stack.children.connectors.pid) };
  const rows = [];
  const rssRows = [];
  try {
    const post = (p, auth, body) => fetch(stack.gatewayUrl + p, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const app = await post('/v1/admin/apps', `Bearer ${secrets.ADMIN_TOKEN}`, { name: 'bench' });
    const s3Config = { bucket: 'bench', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', endpoint: s3.endpoint, forcePathStyle: true };
    const targets = [
      ['local', { service: 'local', config: { path: 'bench' } }],
      ['s3', { service: 's3_compatible', config: s3Config }],
    ];
    for (const [label, body] of targets) {
      const account = await post('/v1/accounts', `APIKey ${app.api_key}`, body);
      if (account.error_code || typeof account.id !== 'number') throw new Error(`could not connect ${label}: ${JSON.stringify(account)}`);
      let uploaded, up, down;
      const pids = { gateway: stack.children.gateway.pid, connectors: stack.children.connectors.pid };
      const upRss = await sampled(pids, async () => {
        up = await timed(async () => { uploaded = await httpUpload(`${stack.gatewayUrl}/v1/accounts/${account.id}/storage/files`, app.api_key, file, `gateway-${label}.bin`); });
      });
      const downRss = await sampled(pids, async () => {
        down = !uploaded ? NaN : await timed(() => httpDownload(`${stack.gatewayUrl}/v1/accounts/${account.id}/storage/files/${uploaded.id}/contents`, app.api_key));
      });
      rows.push([`gateway → ${label}`, SIZE / MB / up, SIZE / MB / down]);
      rssRows.push([label, upRss, downRss]);
    }

    const rcloneEnv = {
      RCLONE_CONFIG_BENCHS3_TYPE: 's3', RCLONE_CONFIG_BENCHS3_PROVIDER: 'Other', RCLONE_CONFIG_BENCHS3_ENDPOINT: s3.endpoint,
      RCLONE_CONFIG_BENCHS3_ACCESS_KEY_ID: 'S3RVER', RCLONE_CONFIG_BENCHS3_SECRET_ACCESS_KEY: 'S3RVER', RCLONE_CONFIG_BENCHS3_FORCE_PATH_STYLE: 'true',
    };
    const localDest = path.join(localRoot, 'rclone');
    fs.mkdirSync(localDest, { recursive: true });
    const rUpLocal = await timed(() => rclone(['copyto', file, path.join(localDest, 'rclone-local.bin')], rcloneEnv));
    const rDownLocal = await timed(() => rclone(['cat', path.join(localDest, 'rclone-local.bin')], rcloneEnv));
    rows.push(['rclone → local', SIZE / MB / rUpLocal, SIZE / MB / rDownLocal]);
    const rUpS3 = await timed(() => rclone(['copyto', file, 'benchs3:bench/rclone-s3.bin'], rcloneEnv));
    const rDownS3 = await timed(() => rclone(['cat', 'benchs3:bench/rclone-s3.bin'], rcloneEnv));
    rows.push(['rclone → s3', SIZE / MB / rUpS3, SIZE / MB / rDownS3]);

    console.log(`\n${SIZE / MB} MiB file, everything on loopback (s3: s3rver ${require('s3rver/package.json').version}, rclone ${spawnSync('rclone', ['version']).stdout.toString().split('\n')[0].split(' ')[1]})`);
    console.log('path                upload MB/s   download MB/s');
    for (const [label, upRate, downRate] of rows) console.log(`${label.padEnd(18)}  ${upRate.toFixed(1).padStart(11)}   ${downRate.toFixed(1).padStart(13)}`);
    for (const [label, u, d] of rssRows) {
      console.log(`RSS during ${label} upload: gateway ${u.gateway.toFixed(0)} MB, connectors ${u.connectors.toFixed(0)} MB; download: gateway ${d.gateway.toFixed(0)} MB, connectors ${d.connectors.toFixed(0)} MB`);
    }
    console.log(`peak RSS (MB, after start → after all transfers): gateway ${idle.gateway.toFixed(0)} → ${peakRss(stack.children.gateway.pid).toFixed(0)}, connectors ${idle.connectors.toFixed(0)} → ${peakRss(stack.children.connectors.pid).toFixed(0)}`);
  } finally {
    await stack.stop();
    s3.stop();
    fs.rmSync(localRoot, { recursive: true, force: true });
  }
  reportFailures(failures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

'use strict';
// npm run bench:transfer — copies files of BENCH_SIZES_MB (default 1024,4096)
// from SFTP (OpenSSH) and from local disk into S3 (s3rver) as our transfer
// tasks, then the same copies with `rclone copyto` (Debian's rclone) between
// the same servers, in one run. Prints both times, our/rclone ratio, and the
// peak RSS of gateway, connectors and transfer during our copies. Exits 1 if
// any copy failed. A benchmark, not a test. Needs root (sshd, a system user).
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MB, benchSecrets, ensureRclone, rclone, reportFailures, writeRandomFile } = require('../lib/bench');
const { Stack, RUN, ROOT } = require('../lib/stack');

const SIZES = (process.env.BENCH_SIZES_MB || '1024,4096').split(',').map(Number);
const servers = path.join(ROOT, 'dist/apps/connectors/test/servers');

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const peak = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function main() {
  if (!fs.existsSync(path.join(servers, 'sftp.js'))) throw new Error('build the bench first: npx tsc -p tsconfig.bench.json');
  ensureRclone();
  const [s3, sftp] = await Promise.all([require(path.join(servers, 's3.js')).start(), require(path.join(servers, 'sftp.js')).start()]);
  const localRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-transfer-local-'));
  const secrets = benchSecrets();
  const stack = new Stack({
    basePort: 20480, database: 'unified_storage_test', secrets, localRoot, logDir: path.join(RUN, 'bench-logs'),
    extra: { common: { LOG_LEVEL: 'warn' }, gateway: { RATE_LIMIT_PER_SECOND: '1000', RATE_LIMIT_APP_PER_SECOND: '1000' }, connectors: { OUTBOUND_ALLOW_NETWORKS: 'loopback' } },
  });
  let failures = 0;
  const rows = [];
  try {
    await stack.start();
    const call = async (method, p, auth, body, headers = {}) => {
      const res = await fetch(stack.gatewayUrl + p, { method, headers: { Authorization: auth, 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
      const json = await res.json();
      if (res.status >= 400) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const app = await call('POST', '/v1/admin/apps', `Bearer ${secrets.ADMIN_TOKEN}`, { name: 'bench transfer' });
    const key = `APIKey ${app.api_key}`;
    const account = (service, config) => call('POST', '/v1/accounts', key, { service, config }).then((a) => a.id);
    const bucket = await account('s3_compatible', { ...s3.config, prefix: 'ours/' });
    const sources = { sftp: await account('sftp', sftp.config), local: await account('local', { path: 'bench' }) };
    const dirs = { sftp: sftp.config.root, local: path.join(localRoot, 'apps', app.id, 'bench') };
    const sftpOwner = fs.statSync(sftp.config.root);
    const rcloneEnv = {
      RCLONE_CONFIG_S3_TYPE: 's3', RCLONE_CONFIG_S3_PROVIDER: 'Other', RCLONE_CONFIG_S3_ENDPOINT: s3.config.endpoint,
      RCLONE_CONFIG_S3_ACCESS_KEY_ID: s3.config.accessKeyId, RCLONE_CONFIG_S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey, RCLONE_CONFIG_S3_FORCE_PATH_STYLE: 'true',
      RCLONE_CONFIG_SFTP_TYPE: 'sftp', RCLONE_CONFIG_SFTP_HOST: '127.0.0.1', RCLONE_CONFIG_SFTP_PORT: String(sftp.config.port), RCLONE_CONFIG_SFTP_USER: sftp.config.username,
      RCLONE_CONFIG_SFTP_PASS: execFileSync('rclone', ['obscure', sftp.config.password]).toString().trim(),
    };
    const pids = () => ({ gateway: stack.children.gateway.pid, connectors: stack.children.connectors.pid, transfer: stack.children.transfer.pid });

    for (const size of SIZES) {
      const name = `bench-${size}.bin`;
      const scratch = path.join(os.tmpdir(), name);
      console.log(`preparing ${size} MiB…`);
      await writeRandomFile(scratch, size * MB);
      for (const from of ['sftp', 'local']) {
        fs.mkdirSync(dirs[from], { recursive: true });
        const placed = path.join(dirs[from], name);
        fs.copyFileSync(scratch, placed);
        if (from === 'sftp') fs.chownSync(placed, sftpOwner.uid, sftpOwner.gid);
        const fileId = Buffer.from(name).toString('base64url');
        const max = { gateway: 0, connectors: 0, transfer: 0 };
        const sampler = setInterval(() => { for (const [k, pid] of Object.entries(pids())) max[k] = Math.max(max[k], peak(pid)); }, 200);
        const started = process.hrtime.bigint();
        let ours = NaN;
        try {
          const task = await call('POST', `/v1/accounts/${sources[from]}/storage/files/${fileId}/copy`, key, { parent_id: 'root', account: bucket, name: `${from}-${name}` }, { 'X-Kloudless-Async': 'true' });
          for (;;) {
            const res = await fetch(`${stack.gatewayUrl}/v1/accounts/${sources[from]}/tasks/${task.id}`, { headers: { Authorization: key } });
            const body = await res.json();
            if (res.status >= 400) throw new Error(`task ${task.id} failed: ${JSON.stringify(body)}`);
            if (body.type === 'file') {
              if (body.size !== size * MB) throw new Error(`task ${task.id} wrote ${body.size} bytes`);
              break;
            }
            await new Promise((r) => setTimeout(r, 100));
          }
          ours = seconds(started);
        } catch (err) {
          failures++;
          console.error(String(err));
        } finally {
          clearInterval(sampler);
        }
        const remote = from === 'sftp' ? `sftp:${path.join(sftp.config.root, name)}` : placed;
        const rStart = process.hrtime.bigint();
        let theirs = NaN;
        try {
          await rclone(['copyto', remote, `s3:${s3.config.bucket}/rclone/${from}-${name}`], rcloneEnv);
          theirs = seconds(rStart);
        } catch (err) {
          failures++;
          console.error(String(err));
        }
        rows.push({ label: `${from} → s3, ${size} MiB`, ours, theirs, max });
        fs.rmSync(placed, { force: true });
      }
      fs.rmSync(scratch, { force: true });
    }
  } finally {
    await stack.stop();
    await Promise.allSettled([s3.stop(), sftp.stop()]);
    fs.rmSync(localRoot, { recursive: true, force: true });
  }
  console.log(`\nall on loopback; rclone ${spawnSync('rclone', ['version']).stdout.toString().split('\n')[0].split(' ')[1]}, ${os.cpus().length} CPUs`);
  console.log('copy                     ours s   rclone s   ours/rclone   peak RSS MB (gateway / connectors / transfer)');
  for (const r of rows) {
    console.log(`${r.label.padEnd(23)} ${r.ours.toFixed(1).padStart(7)} ${r.theirs.toFixed(1).padStart(10)} ${(r.ours / r.theirs).toFixed(2).padStart(13)}   ${r.max.gateway.toFixed(0)} / ${r.max.connectors.toFixed(0)} / ${r.max.transfer.toFixed(0)}`);
  }
  reportFailures(failures);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

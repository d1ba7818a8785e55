'use strict';
// Pieces the benchmarks share: rclone (installed from Debian when missing, run
// as a child) and large files of random bytes.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');

const MB = 1024 * 1024;

function ensureRclone() {
  if (spawnSync('rclone', ['version'], { stdio: 'ignore' }).status === 0) return;
  console.log('installing rclone (Debian package)…');
  execFileSync('bash', ['-c', 'apt-get install -y -qq rclone >/dev/null || (apt-get update -qq && apt-get install -y -qq rclone >/dev/null)'], { stdio: 'inherit' });
}

function rclone(args, env) {
  return new Promise((resolve, reject) => {
    // rclone 1.60 refuses a custom CA bundle with its own HTTP transport; the targets are plain HTTP on loopback anyway.
    const { AWS_CA_BUNDLE, ...base } = process.env;
    const child = spawn('rclone', args, { env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rclone ${args.join(' ')}: ${err}`))));
  });
}

/** `size` bytes of random data at `file`, in 1 MiB blocks each made distinct so nothing can deduplicate them. */
async function writeRandomFile(file, size) {
  const out = fs.createWriteStream(file);
  const block = randomBytes(MB);
  for (let written = 0; written < size; written += MB) {
    block.writeUInt32LE(written / MB, 0);
    if (!out.write(Buffer.from(block))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** Fresh secrets for a benchmark's stack. */
function benchSecrets() {
  return {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    INTERNAL_TOKEN: randomBytes(24).toString('base64url'),
    CREDENTIALS_TRANSPORT_KEY: randomBytes(32).toString('base64'),
  };
}

/**
 * Every benchmark ends here: it prints how many of its requests failed and
 * exits non-zero when any did, so a figure is never made of errors.
 */
function reportFailures(failures) {
  console.log(`\nfailures: ${failures}`);
  if (failures > 0) {
    console.error('FAILED: some requests failed; the figures above are not valid');
    process.exitCode = 1;
  }
}

module.exports = { MB, benchSecrets, ensureRclone, rclone, reportFailures, writeRandomFile };

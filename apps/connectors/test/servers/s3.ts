import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Config } from '../../src/connectors/s3/s3.config';
import { freePort, once, spawnServer, stopProcess, tempDir, waitForPort, type TestServer } from './util';

/**
 * An S3-compatible server on loopback: s3rver (npm) in a child process, data in
 * a temp dir. It needs OpenSSL's legacy provider (its continuation tokens use
 * DES) and a small patch for a race in its delete (s3rver-patch.cjs). Its only
 * credentials are its documented defaults S3RVER/S3RVER.
 */
export async function start(): Promise<TestServer<S3Config> & { badConfig: S3Config }> {
  const directory = await tempDir('s3');
  const port = await freePort();
  const bucket = 'conformance';
  const bin = require.resolve('s3rver/bin/s3rver.js');
  const { child, output } = spawnServer(process.execPath, [
    '--openssl-legacy-provider',
    '-r',
    join(__dirname, 's3rver-patch.cjs'),
    bin,
    '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent', '--no-vhost-buckets',
    '--configure-bucket', bucket,
  ]);
  try {
    await waitForPort(port, 20_000, child);
  } catch (err) {
    await stopProcess(child);
    throw new Error(`s3rver did not start: ${(err as Error).message}\n${output()}`);
  }
  const config: S3Config = {
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    prefix: 'tenant/root/',
  };
  return {
    config,
    // s3rver checks the access key id only, not the signature.
    badConfig: { ...config, accessKeyId: 'WRONGKEY' },
    stop: once(async () => {
      await stopProcess(child);
      await rm(directory, { recursive: true, force: true });
    }),
  };
}

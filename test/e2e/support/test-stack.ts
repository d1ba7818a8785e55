import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

// End-to-end cases drive five processes on a shared 2-core machine: 30 s per case, not Jest's 5 s.
jest.setTimeout(30_000);

// The launcher `npm start` uses, so tests run the system exactly as a user does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Stack } = require('../../../scripts/lib/stack.js');

export interface TestStack {
  gatewayUrl: string;
  /** Bootstrap address of the development Kafka broker. */
  kafkaBrokers: string;
  adminToken: string;
  localRoot: string;
  logDir: string;
  stopService(name: string, signal?: NodeJS.Signals): Promise<void>;
  startService(name: string): void;
  waitHealthy(timeoutMs?: number): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * The whole system (dev broker + five services as processes) on its own ports
 * (`basePort`..`basePort+4`) against the test database. One per test file.
 */
export async function startTestStack(
  basePort: number,
  extra: Record<string, Record<string, string>> = {},
  /** The user's environment the stack reads (default: this process's environment over `.env`). */
  env?: Record<string, string | undefined>,
): Promise<TestStack> {
  const secrets = {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    INTERNAL_TOKEN: randomBytes(24).toString('base64url'),
    CREDENTIALS_TRANSPORT_KEY: randomBytes(32).toString('base64'),
  };
  const localRoot = mkdtempSync(join(tmpdir(), 'e2e-local-'));
  const logDir = join(__dirname, '../../../.run/test-logs', String(basePort));
  const stack = new Stack({
    basePort,
    // TEST_DATABASE lets two checkouts run their suites at once without sharing tables.
    database: process.env.TEST_DATABASE ?? 'unified_storage_test',
    secrets,
    localRoot,
    logDir,
    env,
    extra: { common: { LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn', ...extra.common }, ...extra },
  });
  try {
    await stack.start();
  } catch (err) {
    await stack.stop();
    throw new Error(`${(err as Error).message}\nService logs: ${logDir}`);
  }
  return {
    gatewayUrl: stack.gatewayUrl,
    kafkaBrokers: stack.broker.address,
    adminToken: secrets.ADMIN_TOKEN,
    localRoot,
    logDir,
    stopService: (name, signal) => stack.stopService(name, signal),
    startService: (name) => void stack.startService(name),
    waitHealthy: (ms) => stack.waitHealthy(ms),
    stop: () => stack.stop(),
  };
}

/** Reads a response body as raw bytes, whatever its Content-Type. */
export function bytesOf(req: request.Test): request.Test {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

/** Creates an app through the admin API and returns its id and API key. */
export async function createApp(stack: TestStack, name = 'test app'): Promise<{ id: string; apiKey: string }> {
  const res = await request(stack.gatewayUrl)
    .post('/v1/admin/apps')
    .set('Authorization', `Bearer ${stack.adminToken}`)
    .send({ name })
    .expect(201);
  return { id: res.body.id, apiKey: res.body.api_key };
}

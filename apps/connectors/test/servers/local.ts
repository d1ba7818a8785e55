import { rm } from 'node:fs/promises';
import type { LocalConfig } from '../../src/connectors/local/local.config';
import { once, tempDir, type TestServer } from './util';

/** "Server" for the local connector: a fresh temp folder. */
export async function start(): Promise<TestServer<LocalConfig>> {
  const path = await tempDir('local');
  return { config: { path }, stop: once(() => rm(path, { recursive: true, force: true })) };
}

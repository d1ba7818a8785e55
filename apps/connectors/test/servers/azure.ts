import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { AzureConfig } from '../../src/connectors/azure/azure.config';
import { freePort, once, spawnServer, stopProcess, tempDir, waitForPort, type TestServer } from './util';

/**
 * Azurite's blob service (npm azurite) in a child process on a free loopback
 * port, data in a temp dir, one account with a key made for this run
 * (AZURITE_ACCOUNTS), and the container the suite uses.
 */
export async function start(): Promise<TestServer<AzureConfig> & { badConfig: AzureConfig }> {
  const dir = await tempDir('azure');
  const port = await freePort();
  const accountName = 'klconformance';
  const accountKey = randomBytes(32).toString('base64');
  const { child, output } = spawnServer(
    process.execPath,
    [
      require.resolve('azurite/dist/src/blob/main.js'),
      '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', dir,
      '--silent', '--skipApiVersionCheck', '--loose', '--disableProductStyleUrl',
    ],
    { env: { ...process.env, AZURITE_ACCOUNTS: `${accountName}:${accountKey}` } },
  );
  try {
    await waitForPort(port, 30_000, child);
  } catch (err) {
    await stopProcess(child);
    throw new Error(`azurite did not start: ${(err as Error).message}\n${output()}`);
  }
  const endpoint = `http://127.0.0.1:${port}/${accountName}`;
  const container = 'conformance';
  const service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(accountName, accountKey));
  await service.getContainerClient(container).createIfNotExists();
  const config: AzureConfig = { accountName, accountKey, endpoint, container, prefix: 'tenant/root/' };
  return {
    config,
    badConfig: { ...config, accountKey: randomBytes(32).toString('base64') },
    stop: once(async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    }),
  };
}

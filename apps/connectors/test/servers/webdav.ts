import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { v2 as webdav } from 'webdav-server';
import type { WebdavConfig } from '../../src/connectors/webdav/webdav.config';
import { freePort, once, tempDir, type TestServer } from './util';

/**
 * A WebDAV server on loopback: npm webdav-server (v2 API) serving a temp
 * folder from disk, Basic auth for one user with full rights.
 */
export async function start(): Promise<TestServer<WebdavConfig> & { badConfig: WebdavConfig }> {
  const dir = await tempDir('webdav');
  const data = join(dir, 'data');
  await mkdir(data);
  const users = new webdav.SimpleUserManager();
  const password = randomBytes(12).toString('base64url');
  const user = users.addUser('kltest', password, false);
  const privileges = new webdav.SimplePathPrivilegeManager();
  privileges.setRights(user, '/', ['all']);
  const port = await freePort();
  const server = new webdav.WebDAVServer({
    hostname: '127.0.0.1',
    port,
    httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'conformance'),
    privilegeManager: privileges,
    requireAuthentification: true,
  });
  await new Promise<void>((resolve, reject) =>
    server.setFileSystem('/files', new webdav.PhysicalFileSystem(data), (ok) => (ok ? resolve() : reject(new Error('mount failed')))),
  );
  await new Promise<void>((resolve) => server.start(() => resolve()));
  const config: WebdavConfig = { url: `http://127.0.0.1:${port}/files`, username: 'kltest', password };
  return {
    config,
    badConfig: { ...config, password: `${password}-wrong` },
    stop: once(async () => {
      await new Promise<void>((resolve) => server.stop(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }),
  };
}

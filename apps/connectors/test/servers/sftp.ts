import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SftpConfig } from '../../src/connectors/sftp/sftp.config';
import { ensureUser } from './system-user';
import { freePort, once, spawnServer, stopProcess, tempDir, waitForPort, type TestServer } from './util';

const run = promisify(execFile);
const USER = 'klsftptest';

export interface SftpTestServer extends TestServer<SftpConfig> {
  /** Same server, public-key auth instead of the password. */
  keyConfig: SftpConfig;
  badConfig: SftpConfig;
}

/**
 * A private OpenSSH sshd (Debian openssh-server) on a free loopback port, with
 * its own host key, config and authorized key in a temp dir, the sftp
 * subsystem only, for a test account (password and key auth). Needs root.
 */
export async function start(): Promise<SftpTestServer> {
  const dir = await tempDir('sftp');
  await chmod(dir, 0o755);
  const data = join(dir, 'data');
  const { uid, gid, password } = await ensureUser(USER, data);
  await mkdir(data);
  await chown(data, uid, gid);
  await mkdir('/run/sshd', { recursive: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')));
  const port = await freePort();
  const configFile = join(dir, 'sshd_config');
  await writeFile(
    configFile,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PermitRootLogin no',
      `AllowUsers ${USER}`,
      'Subsystem sftp internal-sftp',
      'ForceCommand internal-sftp',
      'MaxSessions 20',
      'MaxStartups 50',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const { child, output } = spawnServer('/usr/sbin/sshd', ['-D', '-e', '-f', configFile]);
  try {
    await waitForPort(port, 20_000, child);
  } catch (err) {
    await stopProcess(child);
    throw new Error(`sshd did not start: ${(err as Error).message}\n${output()}`);
  }
  const config: SftpConfig = { host: '127.0.0.1', port, username: USER, password, root: data };
  const privateKey = await readFile(join(dir, 'client_key'), 'utf8');
  return {
    config,
    keyConfig: { host: '127.0.0.1', port, username: USER, privateKey, root: data },
    badConfig: { ...config, password: `${password}-wrong` },
    stop: once(async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    }),
  };
}

import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FtpConfig } from '../../src/connectors/ftp/ftp.config';
import { ensureUser } from './system-user';
import { freePort, once, spawnServer, stopProcess, tempDir, waitForPort, type TestServer } from './util';

const run = promisify(execFile);
const USER = 'klftptest';

export interface FtpTestServer extends TestServer<FtpConfig> {
  /** Same server over explicit FTPS, trusting its self-signed certificate. */
  ftpsConfig: FtpConfig;
  badConfig: FtpConfig;
}

/**
 * A private vsftpd (Debian) on a free loopback port, for a test account, with
 * a self-signed certificate (openssl) so plain FTP and explicit FTPS (AUTH TLS)
 * both work on the same port. Needs root.
 */
export async function start(): Promise<FtpTestServer> {
  const dir = await tempDir('ftp');
  await chmod(dir, 0o755);
  const data = join(dir, 'data');
  const { uid, gid, password } = await ensureUser(USER, data);
  await mkdir(data);
  await chown(data, uid, gid);
  await mkdir('/var/run/vsftpd/empty', { recursive: true });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ]);
  await chmod(key, 0o600);
  const port = await freePort();
  const configFile = join(dir, 'vsftpd.conf');
  await writeFile(
    configFile,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=NO',
      'local_enable=YES',
      'write_enable=YES',
      'local_umask=022',
      'pasv_enable=YES',
      'pasv_address=127.0.0.1',
      'utf8_filesystem=YES',
      'seccomp_sandbox=NO',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      'pam_service_name=vsftpd',
      'userlist_enable=NO',
      'xferlog_enable=NO',
      `vsftpd_log_file=${join(dir, 'vsftpd.log')}`,
      'max_clients=50',
      'max_per_ip=50',
      'ssl_enable=YES',
      'allow_anon_ssl=NO',
      'force_local_logins_ssl=NO',
      'force_local_data_ssl=NO',
      'ssl_tlsv1=YES',
      'require_ssl_reuse=NO',
      `rsa_cert_file=${cert}`,
      `rsa_private_key_file=${key}`,
      '',
    ].join('\n'),
  );
  const { child, output } = spawnServer('/usr/sbin/vsftpd', [configFile]);
  try {
    await waitForPort(port, 20_000, child);
  } catch (err) {
    await stopProcess(child);
    throw new Error(`vsftpd did not start: ${(err as Error).message}\n${output()}`);
  }
  const config: FtpConfig = { host: '127.0.0.1', port, username: USER, password, secure: 'none', root: data };
  return {
    config,
    ftpsConfig: { ...config, secure: 'explicit', ca: await readFile(cert, 'utf8') },
    badConfig: { ...config, password: `${password}-wrong` },
    stop: once(async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    }),
  };
}

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Linux account for the SFTP/FTP daemons (they authenticate real users).
 * Needs root, like the daemons. Created once, kept; the password is new at
 * every start and goes to chpasswd on stdin, never on a command line or a log.
 */
export async function ensureUser(name: string, home: string): Promise<{ uid: number; gid: number; password: string }> {
  try {
    await run('id', ['-u', name]);
  } catch {
    await run('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh', name]);
  }
  await run('usermod', ['--home', home, name]);
  const password = randomBytes(12).toString('base64url');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd exited with ${code}`))));
    child.stdin.end(`${name}:${password}\n`);
  });
  const uid = Number((await run('id', ['-u', name])).stdout.trim());
  const gid = Number((await run('id', ['-g', name])).stdout.trim());
  return { uid, gid, password };
}

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { authConfigShape } from '../../apps/auth/src/auth.config';
import { connectorsConfigShape } from '../../apps/connectors/src/connectors.config';
import { gatewayConfigShape } from '../../apps/gateway/src/gateway.config';
import { transferConfigShape } from '../../apps/transfer/src/transfer.config';
import { webhooksConfigShape } from '../../apps/webhooks/src/webhooks.config';

const ROOT = join(__dirname, '../..');
const shapes: Record<string, Record<string, unknown>> = {
  gateway: gatewayConfigShape,
  auth: authConfigShape,
  connectors: connectorsConfigShape,
  transfer: transferConfigShape,
  webhooks: webhooksConfigShape,
};

describe('configuration', () => {
  it('docker-compose.yml sets only variables each service validates', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    for (const [service, shape] of Object.entries(shapes)) {
      const env = compose.services[service]?.environment;
      expect(env).toBeDefined();
      const unknown = Object.keys(env).filter((name) => !(name in shape));
      expect({ service, unknown }).toEqual({ service, unknown: [] });
    }
  });

  it.each([
    ['gateway', { DATABASE_URL: 'postgres://x@127.0.0.1/db' }, 'ADMIN_TOKEN is not set'],
    ['gateway', { DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'a'.repeat(20) }, 'DATABASE_URL is invalid'],
    ['auth', { DATABASE_URL: 'postgres://x@127.0.0.1/db', ENCRYPTION_KEY: 'short' }, 'ENCRYPTION_KEY is invalid'],
    ['connectors', { LOCAL_STORAGE_ROOT: 'relative/path' }, 'LOCAL_STORAGE_ROOT is invalid'],
    ['transfer', { DATABASE_URL: 'postgres://x@127.0.0.1/db', HEALTH_PORT: '99999' }, 'HEALTH_PORT is invalid'],
  ])('%s refuses to start on bad configuration and names the variable', (service, env, expected) => {
    const res = spawnSync(process.execPath, [join(ROOT, 'dist/apps', service, 'src/main.js')], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain(expected);
  });
});

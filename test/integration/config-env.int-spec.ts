import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The start scripts are plain JS over the compiled config schemas (dist/, built by setup).
/* eslint-disable @typescript-eslint/no-require-imports */
const catalogLib = require('../../scripts/lib/config-catalog.js');
const { serviceEnvs } = require('../../scripts/lib/stack.js');

const secrets = { ENCRYPTION_KEY: 'k'.repeat(44), ADMIN_TOKEN: 'admin-token-0123456789', INTERNAL_TOKEN: 'internal-token-0123456789', CREDENTIALS_TRANSPORT_KEY: 'c'.repeat(44) };

function envsFor(env: Record<string, string>, extra = {}) {
  return serviceEnvs({ broker: '127.0.0.1:1', basePort: 30000, database: 'db', secrets, localRoot: '/tmp/root', extra, env });
}

describe('configuration the usual way (npm start and the test stacks)', () => {
  it('commits .env.example exactly as the config schemas generate it', () => {
    const committed = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
    expect(committed).toBe(catalogLib.envExample());
  });

  it('passes a variable from the environment and one from .env to the services whose schema knows them; the environment wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS=loopback\nRATE_LIMIT_PER_SECOND=5\n# a comment\nCONNECTOR_CACHE_TTL_S="7"\n');
    const env = catalogLib.userEnv({ env: { RATE_LIMIT_PER_SECOND: '100', PATH: '/bin' }, dotEnvFile: file });
    const envs = envsFor(env);
    expect(envs.gateway.RATE_LIMIT_PER_SECOND).toBe('100');
    expect(envs.webhooks.WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe('loopback');
    expect(envs.connectors.CONNECTOR_CACHE_TTL_S).toBe('7');
    // only to the services that know the variable
    expect(envs.auth.RATE_LIMIT_PER_SECOND).toBeUndefined();
    expect(envs.gateway.WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBeUndefined();
  });

  it('keeps what the stack manages per service and lets the caller (a test) override the rest', () => {
    const envs = envsFor({ DATABASE_URL: 'postgres://x@y/z', HEALTH_PORT: '1', RATE_LIMIT_PER_SECOND: '100', ADMIN_TOKEN: 'from-the-environment-xx' }, { gateway: { RATE_LIMIT_PER_SECOND: '1000' } });
    expect(envs.auth.DATABASE_URL).toMatch(/^postgres:\/\/svc_auth:/);
    expect(envs.auth.HEALTH_PORT).toBe('30001');
    expect(envs.gateway.RATE_LIMIT_PER_SECOND).toBe('1000');
    expect(envs.gateway.ADMIN_TOKEN).toBe(secrets.ADMIN_TOKEN);
  });

  it('warns about variables that look like ours but no service knows', () => {
    const found = catalogLib.unknownLookalikes({ RATE_LIMT_PER_SECOND: '1', WEBHOOK_TIMEOUT: '5', PATH: '/bin', TEST_DATABASE: 'x' });
    expect(found).toEqual([{ name: 'RATE_LIMT_PER_SECOND', suggestion: 'RATE_LIMIT_PER_SECOND' }]);
  });

  it('lists every known variable with its services and default for npm start -- --help', () => {
    const table: string = catalogLib.helpTable();
    expect(table).toMatch(/RATE_LIMIT_PER_SECOND\s+gateway\s+10/);
    expect(table).toMatch(/LOCAL_STORAGE_ROOT\s+connectors\s+\(required\)/);
  });
});

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

  it('docker/kafka-acls.sh is what scripts/kafka-acls.js generates from the topic table', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { script } = require('../../scripts/kafka-acls.js');
    expect(readFileSync(join(ROOT, 'docker/kafka-acls.sh'), 'utf8')).toBe(script());
  });

  it('docker/prometheus.yml scrapes every service where docker-compose serves its metrics', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    const prometheus = parse(readFileSync(join(ROOT, 'docker/prometheus.yml'), 'utf8'));
    const targets: string[] = prometheus.scrape_configs.flatMap((c: { static_configs: Array<{ targets: string[] }> }) => c.static_configs.flatMap((s) => s.targets));
    for (const service of Object.keys(shapes)) {
      const env = compose.services[service].environment;
      expect(targets).toContain(`${service}:${env.HEALTH_PORT ?? env.GATEWAY_PORT}`);
    }
  });

  it('docker-compose.yml gives each service its own Kafka user', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    for (const service of Object.keys(shapes)) {
      expect(compose.services[service].environment.KAFKA_SASL_USERNAME).toBe(`svc_${service}`);
    }
  });

  it.each([
    ['gateway', { DATABASE_URL: 'postgres://x@127.0.0.1/db' }, 'ADMIN_TOKEN is not set'],
    ['gateway', { DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'a'.repeat(20) }, 'DATABASE_URL is invalid'],
    ['auth', { DATABASE_URL: 'postgres://x@127.0.0.1/db', ENCRYPTION_KEY: 'short' }, 'ENCRYPTION_KEY is invalid'],
    ['auth', { DATABASE_URL: 'postgres://x@127.0.0.1/db', ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'), OAUTH_PROVIDERS_JSON: '{"gdrive":{}}' }, 'OAUTH_PROVIDERS_JSON is invalid'],
    ['connectors', { LOCAL_STORAGE_ROOT: 'relative/path' }, 'LOCAL_STORAGE_ROOT is invalid'],
    ['transfer', { DATABASE_URL: 'postgres://x@127.0.0.1/db', HEALTH_PORT: '99999' }, 'HEALTH_PORT is invalid'],
    ['transfer', { DATABASE_URL: 'postgres://x@127.0.0.1/db', INTERNAL_TOKEN: 'i'.repeat(20), KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc_transfer' }, 'KAFKA_SASL_PASSWORD is required'],
    ['transfer', { DATABASE_URL: 'postgres://x@127.0.0.1/db', INTERNAL_TOKEN: 'i'.repeat(20), KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' }, 'KAFKA_SSL_CA_FILE (/nonexistent/ca.pem) cannot be read'],
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

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurityProblems } from '../config/env';
import { kafkaSecurity, type KafkaSettings } from './kafka-options';

describe('Kafka SASL and TLS settings', () => {
  const base: KafkaSettings = { KAFKA_BROKERS: 'k:9093', KAFKA_MAX_WAIT_MS: 100, KAFKA_PARTITIONS_CONCURRENCY: 3, KAFKA_HANDLER_CONCURRENCY: 64 };
  const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

  it('builds nothing for the open development broker', () => {
    expect(kafkaSecurity(base)).toEqual({});
    expect(kafkaSecurityProblems({})).toEqual([]);
  });

  it('builds SCRAM and TLS options with the CA read from its file', () => {
    const settings: KafkaSettings = { ...base, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc_auth', KAFKA_SASL_PASSWORD: 'pw', KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca };
    expect(kafkaSecurityProblems(settings as unknown as Record<string, unknown>)).toEqual([]);
    const built = kafkaSecurity(settings);
    expect(built.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc_auth', password: 'pw' });
    expect(built.ssl).toEqual({ rejectUnauthorized: true, ca: [expect.stringContaining('BEGIN CERTIFICATE')] });
  });

  it('names each variable that is missing or wrong', () => {
    expect(kafkaSecurityProblems({ KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      'KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is scram-sha-256',
      'KAFKA_SASL_PASSWORD is required when KAFKA_SASL_MECHANISM is scram-sha-256',
    ]);
    expect(kafkaSecurityProblems({ KAFKA_SASL_USERNAME: 'u' })).toEqual(['KAFKA_SASL_MECHANISM is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set']);
    expect(kafkaSecurityProblems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') })).toEqual([`KAFKA_SSL_CA_FILE (${join(dir, 'missing.pem')}) cannot be read`]);
    expect(kafkaSecurityProblems({ KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: ca })).toEqual(['KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true']);
    expect(kafkaSecurityProblems({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: ca })).toEqual(['KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together']);
  });
});

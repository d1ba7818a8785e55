import type { KafkaOptions } from '@nestjs/microservices';
import { readFileSync } from 'node:fs';
import { logLevel, Partitioners, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaSettings {
  KAFKA_BROKERS: string;
  KAFKA_MAX_WAIT_MS: number;
  KAFKA_PARTITIONS_CONCURRENCY: number;
  KAFKA_HANDLER_CONCURRENCY: number;
  KAFKA_SASL_MECHANISM?: '' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SSL?: 'true' | 'false';
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
  KAFKA_SSL_REJECT_UNAUTHORIZED?: 'true' | 'false';
}

/** kafkajs `ssl` and `sasl` options from the settings (validated at start by kafkaSecurityProblems). */
export function kafkaSecurity(settings: KafkaSettings): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (settings.KAFKA_SSL === 'true') {
    const read = (file?: string) => (file ? readFileSync(file, 'utf8') : undefined);
    const ca = read(settings.KAFKA_SSL_CA_FILE);
    out.ssl = {
      rejectUnauthorized: settings.KAFKA_SSL_REJECT_UNAUTHORIZED !== 'false',
      ...(ca ? { ca: [ca] } : {}),
      ...(settings.KAFKA_SSL_CERT_FILE ? { cert: read(settings.KAFKA_SSL_CERT_FILE), key: read(settings.KAFKA_SSL_KEY_FILE) } : {}),
    };
  }
  if (settings.KAFKA_SASL_MECHANISM) {
    out.sasl = { mechanism: settings.KAFKA_SASL_MECHANISM, username: settings.KAFKA_SASL_USERNAME ?? '', password: settings.KAFKA_SASL_PASSWORD ?? '' } as SASLOptions;
  }
  return out;
}

/** kafkajs log lines go through the service's pino logger (warnings and errors only). */
function kafkaLogCreator(logger: Logger): logCreator {
  return () => ({ level, log }) => {
    const { message, ...rest } = log;
    const fields = { namespace: rest.namespace, broker: rest.broker, error: rest.error };
    if (level <= logLevel.ERROR) logger.error(fields, `kafka: ${message}`);
    else if (level === logLevel.WARN) logger.warn(fields, `kafka: ${message}`);
  };
}

type NestKafkaOptions = NonNullable<KafkaOptions['options']>;
export type KafkaTransportOptions = NestKafkaOptions & Required<Pick<NestKafkaOptions, 'client' | 'consumer' | 'producer' | 'run' | 'subscribe'>>;

/**
 * Options shared by servers and clients; nothing here knows which broker
 * implementation answers. `fromBeginning`: where a consumer group starts on a
 * partition it has never committed on. `false` (latest) suits request
 * topics, whose callers have long given up on anything older; an event
 * consumer that must lose nothing starts at the earliest offset, or it would
 * skip what was published before its first commit on that partition.
 */
export function kafkaOptions(settings: KafkaSettings, name: string, logger: Logger, opts: { fromBeginning?: boolean } = {}): KafkaTransportOptions {
  return {
    client: {
      clientId: name,
      brokers: settings.KAFKA_BROKERS.split(',').map((b) => b.trim()),
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(logger),
      retry: { initialRetryTime: 200, retries: 8 },
      ...kafkaSecurity(settings),
    },
    consumer: {
      groupId: name,
      maxWaitTimeInMs: settings.KAFKA_MAX_WAIT_MS,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { initialRetryTime: 200, retries: 8 },
    },
    run: { partitionsConsumedConcurrently: settings.KAFKA_PARTITIONS_CONCURRENCY },
    subscribe: { fromBeginning: opts.fromBeginning ?? false },
    producer: { createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true },
  };
}

import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkaSecurity, type KafkaSettings } from '../kafka/kafka-options';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';

/** One dependency a service needs to be ready: throws when it is not. */
export interface HealthProbe {
  name: string;
  check(): Promise<void>;
}

export const HEALTH_PROBES = Symbol('HEALTH_PROBES');

export function postgresProbe(dataSource: DataSource): HealthProbe {
  return { name: 'postgres', check: async () => { await dataSource.query('SELECT 1'); } };
}

export function redisProbe(redis: Redis): HealthProbe {
  return {
    name: 'redis',
    check: async () => {
      if ((await redis.ping()) !== 'PONG') throw new Error('redis did not answer PONG');
    },
  };
}

/** Asks the broker for its cluster metadata through one long-lived admin connection. */
export function kafkaProbe(settings: KafkaSettings): HealthProbe & { close(): Promise<void> } {
  let admin: Admin | null = null;
  return {
    name: 'kafka',
    check: async () => {
      if (!admin) {
        const kafka = new Kafka({
          clientId: 'health',
          brokers: settings.KAFKA_BROKERS.split(','),
          ...kafkaSecurity(settings),
          logLevel: logLevel.NOTHING,
          connectionTimeout: 1000,
          requestTimeout: 1500,
          retry: { retries: 0 },
        });
        admin = kafka.admin();
        await admin.connect().catch((err) => { admin = null; throw err; });
      }
      try {
        await admin.describeCluster();
      } catch (err) {
        await admin.disconnect().catch(() => undefined);
        admin = null;
        throw err;
      }
    },
    close: async () => { await admin?.disconnect(); },
  };
}

import { Global, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { z } from 'zod';
import type { Contract } from '../contracts';
import { HEALTH_PROBES, HealthController, kafkaProbe, postgresProbe, redisProbe, type HealthProbe } from '../health';
import { TOPICS, type Caller } from '../contracts/topics';
import { beforeScrape, ConsumerLagProbe, MetricsController, startDefaultMetrics } from '../metrics';
import { spans } from '../tracing/otlp-exporter';
import { EventPublisher, RpcClient, type RpcSettings } from '../rpc';
import { CONFIG, EVENT_PUBLISHER, LOGGER, RPC_CLIENT } from './tokens';

export const REDIS = Symbol('REDIS');

export interface ServiceCoreOptions {
  service: Caller;
  config: RpcSettings & { REDIS_URL?: string; OTEL_EXPORTER_OTLP_ENDPOINT?: string };
  logger: Logger;
  /** Contracts this service calls on others (with none, it runs no reply consumer). */
  calls: Contract<z.ZodType, unknown>[];
  database: boolean;
  redis: boolean;
  /** Event topics this service consumes (its request topics are known from the topic table), for the consumer-lag metric. */
  consumesEvents?: string[];
}

/**
 * What every app needs: config, logger, the Kafka RPC client and event
 * publisher, Redis when used, and the health endpoints probing exactly the
 * dependencies the app has.
 */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(opts: ServiceCoreOptions): DynamicModule {
    startDefaultMetrics(opts.service);
    spans.start(opts.service, opts.config.OTEL_EXPORTER_OTLP_ENDPOINT);
    const kafka = kafkaProbe(opts.config);
    const owners = Object.keys(TOPICS) as Array<keyof typeof TOPICS>;
    const served = owners.includes(opts.service as keyof typeof TOPICS) ? Object.values(TOPICS[opts.service as keyof typeof TOPICS]) : [];
    // Nest names a microservice's consumer group `<groupId>-server`.
    const lag = new ConsumerLagProbe(opts.config, `${opts.service}-server`, [...served, ...(opts.consumesEvents ?? [])]);
    beforeScrape(() => lag.refresh());
    const providers: Provider[] = [
      { provide: CONFIG, useValue: opts.config },
      { provide: LOGGER, useValue: opts.logger },
      {
        provide: RPC_CLIENT,
        useFactory: () => {
          const client = new RpcClient(opts.config, opts.service, opts.calls, opts.logger);
          // Connect in the background: a late broker must not block start-up or health.
          client.connect().catch(() => undefined);
          return client;
        },
      },
      { provide: EVENT_PUBLISHER, useFactory: (rpc: RpcClient) => new EventPublisher(rpc, opts.logger), inject: [RPC_CLIENT] },
      { provide: 'KAFKA_PROBE', useValue: kafka },
      { provide: CoreShutdown, useFactory: (rpc: RpcClient) => new CoreShutdown(rpc, kafka, lag), inject: [RPC_CLIENT] },
    ];
    const inject: (string | symbol | Function)[] = [];
    if (opts.redis) {
      providers.push({
        provide: REDIS,
        useFactory: () => new Redis(opts.config.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2, enableOfflineQueue: false }),
      });
      inject.push(REDIS);
    }
    if (opts.database) inject.push(getDataSourceToken());
    providers.push({
      provide: HEALTH_PROBES,
      inject,
      useFactory: (...deps: unknown[]): HealthProbe[] => {
        const probes: HealthProbe[] = [];
        let i = 0;
        if (opts.redis) probes.push(redisProbe(deps[i++] as Redis));
        if (opts.database) probes.push(postgresProbe(deps[i++] as DataSource));
        probes.push(kafka);
        return probes;
      },
    });
    return {
      module: ServiceCoreModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController],
      providers,
      exports: providers,
    };
  }
}

class CoreShutdown implements OnApplicationShutdown {
  constructor(private readonly rpc: RpcClient, private readonly kafka: { close(): Promise<void> }, private readonly lag: { close(): Promise<void> }) {}
  async onApplicationShutdown() {
    await Promise.allSettled([this.rpc.close(), this.kafka.close(), this.lag.close(), spans.flush()]);
  }
}

import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { kafkaOptions, type KafkaSettings } from '../kafka';
import { KafkaRpcServer } from '../rpc/rpc-server';
import { PinoNestLogger } from '../logging';
import { GracefulShutdown } from './graceful-shutdown';

/**
 * Starts a back service: its Kafka microservice (own consumer group) plus a
 * small HTTP server for health (and any internal endpoint) on `port`.
 */
export async function bootstrapService(opts: {
  service: string;
  module: DynamicModule;
  settings: KafkaSettings & { SHUTDOWN_GRACE_MS: number };
  logger: Logger;
  port: number;
  host: string;
  configure?: (app: INestApplication) => void;
  /** See kafkaOptions. */
  fromBeginning?: boolean;
}): Promise<INestApplication> {
  const app = await NestFactory.create(opts.module, { logger: new PinoNestLogger(opts.logger), bodyParser: false });
  const shutdown = new GracefulShutdown(app, opts.logger, opts.service, opts.settings.SHUTDOWN_GRACE_MS);
  app.use(shutdown.middleware);
  opts.configure?.(app);
  const server = new KafkaRpcServer(kafkaOptions(opts.settings, opts.service, opts.logger, { fromBeginning: opts.fromBeginning }), {
    concurrency: opts.settings.KAFKA_HANDLER_CONCURRENCY,
    logger: opts.logger,
  });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  shutdown.listen();
  await app.startAllMicroservices();
  await app.listen(opts.port, opts.host);
  opts.logger.info({ port: opts.port }, `${opts.service}.started`);
  return app;
}

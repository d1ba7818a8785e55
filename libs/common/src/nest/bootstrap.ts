import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { kafkaServerOptions, type KafkaSettings } from '../kafka';
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
  /** See kafkaServerOptions. */
  fromBeginning?: boolean;
}): Promise<INestApplication> {
  const app = await NestFactory.create(opts.module, { logger: new PinoNestLogger(opts.logger), bodyParser: false });
  const shutdown = new GracefulShutdown(app, opts.logger, opts.service, opts.settings.SHUTDOWN_GRACE_MS);
  app.use(shutdown.middleware);
  opts.configure?.(app);
  app.connectMicroservice(kafkaServerOptions(opts.settings, opts.service, opts.logger, { fromBeginning: opts.fromBeginning }), { inheritAppConfig: true });
  shutdown.listen();
  await app.startAllMicroservices();
  await app.listen(opts.port, opts.host);
  opts.logger.info({ port: opts.port }, `${opts.service}.started`);
  return app;
}

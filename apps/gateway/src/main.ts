import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, GracefulShutdown, loadConfig, PinoNestLogger } from '@app/common';
import { GatewayModule } from './app.module';
import { gatewayConfigShape } from './gateway.config';
import { OriginPolicy, pickerCors } from './picker/picker-cors';
import { accessLogMiddleware, exactJsonContentTypeMiddleware, rawHeadersMiddleware, requestIdMiddleware, trailingSlashMiddleware } from './http/request-context';

async function main() {
  const config = loadConfig('gateway', gatewayConfigShape);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  // Bodies are read by BodyGuard, after authentication and the rate limit: JSON only where it means something, uploads stay streams.
  const app = await NestFactory.create(GatewayModule.forRoot(config, logger), { logger: new PinoNestLogger(logger), bodyParser: false });
  const shutdown = new GracefulShutdown(app, logger, 'gateway', config.SHUTDOWN_GRACE_MS);
  // CORS before routing: a File Picker preflight is answered here, for the apps' registered origins only.
  app.use(requestIdMiddleware, shutdown.middleware, accessLogMiddleware(logger), trailingSlashMiddleware, pickerCors(app.get(OriginPolicy)), exactJsonContentTypeMiddleware, rawHeadersMiddleware);
  app.getHttpAdapter().getInstance().set('x-powered-by', false);
  shutdown.listen();
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.info({ url: `http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}` }, 'gateway.started');
}

main().catch((err) => {
  process.stderr.write(`gateway: failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});

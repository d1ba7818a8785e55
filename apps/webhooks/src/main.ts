import 'reflect-metadata';
import { bootstrapService, createLogger, loadConfig } from '@app/common';
import { WebhooksModule } from './app.module';
import { webhooksConfigShape } from './webhooks.config';

async function main() {
  const config = loadConfig('webhooks', webhooksConfigShape);
  const logger = createLogger('webhooks', config.LOG_LEVEL);
  // Events must never be skipped: a partition the group has not committed on yet is read from its start
  // (stored events are de-duplicated by id, and endpoints only get events newer than themselves).
  await bootstrapService({
    service: 'webhooks', module: WebhooksModule.forRoot(config, logger), settings: config, logger,
    port: config.HEALTH_PORT, host: config.HEALTH_HOST, fromBeginning: true,
  });
}

main().catch((err) => {
  process.stderr.write(`webhooks: failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});

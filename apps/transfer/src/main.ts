import 'reflect-metadata';
import { bootstrapService, createLogger, loadConfig } from '@app/common';
import { TransferModule } from './app.module';
import { transferConfigShape } from './transfer.config';

async function main() {
  const config = loadConfig('transfer', transferConfigShape);
  const logger = createLogger('transfer', config.LOG_LEVEL);
  await bootstrapService({ service: 'transfer', module: TransferModule.forRoot(config, logger), settings: config, logger, port: config.HEALTH_PORT, host: config.HEALTH_HOST });
}

main().catch((err) => {
  process.stderr.write(`transfer: failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});

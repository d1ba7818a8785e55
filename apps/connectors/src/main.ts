import 'reflect-metadata';
import { bootstrapService, createLogger, loadConfig } from '@app/common';
import { ConnectorsModule } from './app.module';
import { connectorsConfigShape } from './connectors.config';

async function main() {
  const config = loadConfig('connectors', connectorsConfigShape);
  const logger = createLogger('connectors', config.LOG_LEVEL);
  await bootstrapService({ service: 'connectors', module: ConnectorsModule.forRoot(config, logger), settings: config, logger, port: config.HEALTH_PORT, host: config.HEALTH_HOST });
}

main().catch((err) => {
  process.stderr.write(`connectors: failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});

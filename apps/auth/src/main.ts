import 'reflect-metadata';
import { bootstrapService, createLogger, loadConfig } from '@app/common';
import { AuthModule } from './app.module';
import { authConfigShape } from './auth.config';

async function main() {
  const config = loadConfig('auth', authConfigShape);
  const logger = createLogger('auth', config.LOG_LEVEL);
  await bootstrapService({ service: 'auth', module: AuthModule.forRoot(config, logger), settings: config, logger, port: config.HEALTH_PORT, host: config.HEALTH_HOST });
}

main().catch((err) => {
  process.stderr.write(`auth: failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});

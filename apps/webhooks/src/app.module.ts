import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { databaseOptions, ServiceCoreModule } from '@app/common';
import { webhooksMigrations } from './migrations';
import type { WebhooksConfig } from './webhooks.config';

/** Webhook delivery. So far: its schema, migrations, Kafka consumer group and health. */
@Module({})
export class WebhooksModule {
  static forRoot(config: WebhooksConfig, logger: Logger): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'webhooks', config, logger, calls: [], database: true, redis: true }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'webhooks', entities: [], migrations: webhooksMigrations })),
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { databaseOptions, ServiceCoreModule } from '@app/common';
import { transferMigrations } from './migrations';
import { TaskEntity } from './tasks/task.entity';
import type { TransferConfig } from './transfer.config';

/** Transfer tasks. So far: its schema, migrations, Kafka consumer group and health; the task API comes with the transfer issue. */
@Module({})
export class TransferModule {
  static forRoot(config: TransferConfig, logger: Logger): DynamicModule {
    return {
      module: TransferModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'transfer', config, logger, calls: [], database: true, redis: true }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'transfer', entities: [TaskEntity], migrations: transferMigrations })),
      ],
    };
  }
}

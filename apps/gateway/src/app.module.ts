import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AccountCreate, AccountDelete, AccountGet, AccountList, databaseOptions, FolderList, ServiceCoreModule } from '@app/common';
import { AccessGuard } from './access/access.guard';
import { AccountsController } from './accounts/accounts.controller';
import { AdminController } from './apps/admin.controller';
import { ApiKeyEntity } from './apps/api-key.entity';
import { AppEntity } from './apps/app.entity';
import { AppRepository } from './apps/app.repository';
import { AppService } from './apps/app.service';
import type { GatewayConfig } from './gateway.config';
import { SystemHealthController } from './health/system-health.controller';
import { PublicErrorFilter } from './http/error.filter';
import { gatewayMigrations } from './migrations';
import { FoldersController } from './storage/folders.controller';

/** Every contract the gateway calls on the back services. */
const calls = [AccountCreate, AccountList, AccountGet, AccountDelete, FolderList];

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'gateway', config, logger, calls, database: true, redis: true }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'gateway', entities: [AppEntity, ApiKeyEntity], migrations: gatewayMigrations })),
      ],
      controllers: [SystemHealthController, AdminController, AccountsController, FoldersController],
      providers: [
        AppRepository,
        AppService,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: PublicErrorFilter },
      ],
    };
  }
}

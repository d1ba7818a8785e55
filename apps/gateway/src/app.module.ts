import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import {
  AccountCreate, AccountDelete, AccountGet, AccountList, CapabilitiesGet, databaseOptions, EncodeRawId, FileGet, FolderCreate, FolderGet, FolderList,
  MultipartAbort, MultipartComplete, MultipartCreate, MultipartGet, ObjectCopy, ObjectDelete, ObjectUpdate, Search, ServiceCoreModule,
} from '@app/common';
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
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { FilesController } from './storage/files.controller';
import { FoldersController } from './storage/folders.controller';
import { MultipartController } from './storage/multipart.controller';
import { StorageMiscController } from './storage/storage-misc.controller';
import { StreamProxy } from './storage/stream-proxy.service';
import { webhookCalls, WebhooksController } from './webhooks/webhooks.controller';

/** Every contract the gateway calls on the back services. */
const calls = [
  AccountCreate, AccountList, AccountGet, AccountDelete, CapabilitiesGet,
  FolderList, FolderGet, FolderCreate, FileGet, ObjectUpdate, ObjectCopy, ObjectDelete, Search, EncodeRawId,
  MultipartCreate, MultipartGet, MultipartComplete, MultipartAbort,
  ...webhookCalls,
];

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'gateway', config, logger, calls, database: true, redis: true }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'gateway', entities: [AppEntity, ApiKeyEntity], migrations: gatewayMigrations })),
      ],
      controllers: [SystemHealthController, AdminController, AccountsController, FoldersController, FilesController, MultipartController, StorageMiscController, WebhooksController],
      providers: [
        AppRepository,
        AppService,
        StreamProxy,
        // Guards run in this order: who is calling, then how often.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: PublicErrorFilter },
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ACCOUNT_DELETED, ACCOUNT_REAUTH_REQUIRED, ACCOUNT_TOKEN_REFRESHED, AccountCredentialsGet, databaseOptions, ServiceCoreModule } from '@app/common';
import type { ConnectorsConfig } from './connectors.config';
import { ConnectorFactory } from './credentials/connector-factory';
import { CredentialsController } from './credentials/credentials.controller';
import { connectorsMigrations } from './migrations';
import { MultipartSessionEntity } from './multipart/multipart-session.entity';
import { MultipartSessionRepository } from './multipart/multipart-session.repository';
import { MultipartController } from './multipart/multipart.controller';
import { MultipartService } from './multipart/multipart.service';
import { AccountConnectors } from './storage/account-connectors';
import { AccountEventsController } from './storage/account-events.controller';
import { StorageController } from './storage/storage.controller';
import { StorageService } from './storage/storage.service';
import { FileEvents } from './storage/upload-events';
import { InternalTokenGuard } from './streams/internal-token.guard';
import { TransferCopyController } from './transfers/transfer-copy.controller';
import { TransferCopyService } from './transfers/transfer-copy.service';
import { TransferPartsService } from './transfers/transfer-parts.service';
import { UrlUploadService } from './transfers/url-upload.service';
import { FolderCopyService } from './transfers/folder-copy.service';
import { StreamController } from './streams/stream.controller';
import { StreamService } from './streams/stream.service';

@Module({})
export class ConnectorsModule {
  static forRoot(config: ConnectorsConfig, logger: Logger): DynamicModule {
    return {
      module: ConnectorsModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'connectors', config, logger, calls: [AccountCredentialsGet], database: true, redis: false, consumesEvents: [ACCOUNT_DELETED, ACCOUNT_TOKEN_REFRESHED, ACCOUNT_REAUTH_REQUIRED] }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'connectors', entities: [MultipartSessionEntity], migrations: connectorsMigrations })),
        TypeOrmModule.forFeature([MultipartSessionEntity]),
      ],
      controllers: [StorageController, CredentialsController, AccountEventsController, MultipartController, StreamController, TransferCopyController],
      providers: [
        ConnectorFactory, AccountConnectors, StorageService, StreamService, FileEvents,
        MultipartSessionRepository, MultipartService, InternalTokenGuard, TransferCopyService, TransferPartsService, UrlUploadService, FolderCopyService,
      ],
    };
  }
}

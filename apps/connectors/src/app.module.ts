import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ACCOUNT_DELETED, ACCOUNT_REAUTH_REQUIRED, ACCOUNT_TOKEN_REFRESHED, AccountCredentialsGet, AccountList, databaseOptions, ServiceCoreModule, SUBSCRIPTION_WATCH_CHANGED } from '@app/common';
import type { ConnectorsConfig } from './connectors.config';
import { ConnectorFactory } from './credentials/connector-factory';
import { CredentialsController } from './credentials/credentials.controller';
import { connectorsMigrations } from './migrations';
import { ChangeFeed } from './feed/change-feed';
import { FeedController } from './feed/feed.controller';
import { FeedRepository } from './feed/feed.repository';
import { FeedScanner } from './feed/feed-scanner';
import { FeedScheduler } from './feed/feed-scheduler';
import { FeedService } from './feed/feed.service';
import { FeedSnapshotRepository } from './feed/feed-snapshot.repository';
import { LinkEntity } from './links/link.entity';
import { LinksController } from './links/links.controller';
import { LinksRepository } from './links/links.repository';
import { LinksService } from './links/links.service';
import { MultipartSessionEntity } from './multipart/multipart-session.entity';
import { MultipartSessionRepository } from './multipart/multipart-session.repository';
import { MultipartController } from './multipart/multipart.controller';
import { MultipartService } from './multipart/multipart.service';
import { AccountConnectors } from './storage/account-connectors';
import { FilePropertyEntity } from './properties/file-property.entity';
import { PropertiesController } from './properties/properties.controller';
import { PropertiesRepository } from './properties/properties.repository';
import { PropertiesService } from './properties/properties.service';
import { AccountEventsController } from './storage/account-events.controller';
import { FileAttachments } from './storage/file-attachments';
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
import { RawController } from './raw/raw.controller';
import { RawService } from './raw/raw.service';
import { StreamService } from './streams/stream.service';

@Module({})
export class ConnectorsModule {
  static forRoot(config: ConnectorsConfig, logger: Logger): DynamicModule {
    return {
      module: ConnectorsModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'connectors', config, logger, calls: [AccountCredentialsGet, AccountList], database: true, redis: false, consumesEvents: [ACCOUNT_DELETED, ACCOUNT_TOKEN_REFRESHED, ACCOUNT_REAUTH_REQUIRED, SUBSCRIPTION_WATCH_CHANGED] }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'connectors', entities: [MultipartSessionEntity, FilePropertyEntity, LinkEntity], migrations: connectorsMigrations })),
        TypeOrmModule.forFeature([MultipartSessionEntity, LinkEntity]),
      ],
      controllers: [StorageController, CredentialsController, AccountEventsController, MultipartController, StreamController, TransferCopyController, PropertiesController, LinksController, FeedController, RawController],
      providers: [
        ConnectorFactory, AccountConnectors, StorageService, StreamService, FileEvents,
        MultipartSessionRepository, MultipartService, InternalTokenGuard, TransferCopyService, TransferPartsService, UrlUploadService, FolderCopyService,
        FileAttachments, PropertiesRepository, PropertiesService, LinksRepository, LinksService, RawService,
        FeedRepository, FeedSnapshotRepository, ChangeFeed, FeedScanner, FeedScheduler, FeedService,
      ],
    };
  }
}

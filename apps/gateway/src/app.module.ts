import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import {
  AccountCreate, AccountDelete, AccountGet, AccountList, CapabilitiesGet, TokenIntrospect, OAuthAuthorize, OAuthCallback, OAuthToken, databaseOptions, EncodeRawId, FileGet, FolderCreate, FolderGet, FolderList,
  MultipartAbort, MultipartComplete, MultipartCreate, MultipartGet, ObjectCopy, ObjectDelete, ObjectUpdate, Search, ServiceCoreModule, TaskCancel, TaskCreate, TaskGet, TaskList, UploadLocationCreate, UploadLocationDelete, UploadLocationGet, UploadLocationList, UploadLocationResolve, UploadLocationUpdate, Presign, PresignedUploadCreate, PresignedUploadGet, PresignedUploadList, PresignedUploadMark, PresignedUploadDelete,
  PropertiesGet, PropertiesUpdate, PropertiesDelete, LinkCreate, LinkList, LinkGet, LinkUpdate, LinkDelete, LinkResolve, EventsList, EventsLatest, RecentList, OAuthClientSet, OAuthClientList, OAuthClientDelete,
  OAuthFormSubmit, OAuthServices } from '@app/common';
import { AccessGuard } from './access/access.guard';
import { BearerGrants } from './access/bearer-grants.service';
import { AccountsController } from './accounts/accounts.controller';
import { AdminController } from './apps/admin.controller';
import { ApiKeyEntity } from './apps/api-key.entity';
import { AppEntity } from './apps/app.entity';
import { RedirectUriEntity } from './apps/redirect-uri.entity';
import { OAuthController } from './oauth/oauth.controller';
import { OAuthGatewayService } from './oauth/oauth.service';
import { AppRepository } from './apps/app.repository';
import { AppService } from './apps/app.service';
import type { GatewayConfig } from './gateway.config';
import { SystemHealthController } from './health/system-health.controller';
import { BodyGuard } from './http/body.guard';
import { PublicErrorFilter } from './http/error.filter';
import { gatewayMigrations } from './migrations';
import { AuthFailures } from './rate-limit/auth-failures.service';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { LinkPasswordGuesses } from './links/link-password-guesses.service';
import { LinksController } from './links/links.controller';
import { LinksService } from './links/links.service';
import { PublicLinksController } from './links/public-links.controller';
import { PublicLinksService } from './links/public-links.service';
import { FilesController } from './storage/files.controller';
import { PermissionsController } from './storage/permissions.controller';
import { FeedController } from './storage/feed.controller';
import { PropertiesController } from './storage/properties.controller';
import { RawController } from './storage/raw.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { OpenApiService } from './openapi/openapi.service';
import { FoldersController } from './storage/folders.controller';
import { MultipartController } from './storage/multipart.controller';
import { StorageMiscController } from './storage/storage-misc.controller';
import { StreamProxy } from './storage/stream-proxy.service';
import { FilesApiController } from './files-api/files-api.controller';
import { FilesApiService } from './files-api/files-api.service';
import { TasksController } from './tasks/tasks.controller';
import { UploadLocationsController } from './upload-locations/upload-locations.controller';
import { TransfersService } from './tasks/transfers.service';
import { webhookCalls, WebhooksController } from './webhooks/webhooks.controller';
import { DropController } from './picker/drop.controller';
import { DropService } from './picker/drop.service';
import { OriginPolicy } from './picker/picker-cors';
import { PublicServicesController } from './picker/public-services.controller';
import { PublicServicesService } from './picker/public-services.service';

/** Every contract the gateway calls on the back services. */
const calls = [
  AccountCreate, AccountList, AccountGet, AccountDelete, CapabilitiesGet, TokenIntrospect, OAuthAuthorize, OAuthCallback, OAuthToken, OAuthClientSet, OAuthClientList, OAuthClientDelete, OAuthFormSubmit, OAuthServices,
  FolderList, FolderGet, FolderCreate, FileGet, ObjectUpdate, ObjectCopy, ObjectDelete, Search, EncodeRawId,
  MultipartCreate, MultipartGet, MultipartComplete, MultipartAbort,
  TaskCreate, TaskGet, TaskList, TaskCancel,
  UploadLocationCreate, UploadLocationList, UploadLocationGet, UploadLocationUpdate, UploadLocationDelete, UploadLocationResolve,
  Presign, PresignedUploadCreate, PresignedUploadGet, PresignedUploadList, PresignedUploadMark, PresignedUploadDelete,
  PropertiesGet, PropertiesUpdate, PropertiesDelete, LinkCreate, LinkList, LinkGet, LinkUpdate, LinkDelete, LinkResolve,
  EventsList, EventsLatest, RecentList,
  ...webhookCalls,
];

/** Every HTTP controller of the gateway (the OpenAPI document covers them all; its test walks the router they make). */
export const gatewayControllers = [
  SystemHealthController, AdminController, OAuthController, AccountsController, FoldersController, FilesController, MultipartController, StorageMiscController, TasksController,
  UploadLocationsController, FilesApiController, WebhooksController, PropertiesController, PermissionsController, LinksController, PublicLinksController, RawController, OpenApiController, FeedController, PublicServicesController, DropController,
];

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'gateway', config, logger, calls, database: true, redis: true }),
        DiscoveryModule,
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'gateway', entities: [AppEntity, ApiKeyEntity, RedirectUriEntity], migrations: gatewayMigrations })),
      ],
      controllers: gatewayControllers,
      providers: [
        AppRepository,
        AppService,
        AuthFailures,
        BearerGrants,
        OAuthGatewayService,
        StreamProxy,
        TransfersService,
        FilesApiService,
        LinksService,
        PublicLinksService,
        LinkPasswordGuesses,
        OpenApiService,
        OriginPolicy,
        PublicServicesService,
        DropService,
        // Guards run in this order: who is calling, then how often, then the body.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        // Bodies are read only now, for authenticated callers within their rate limit.
        { provide: APP_GUARD, useClass: BodyGuard },
        { provide: APP_FILTER, useClass: PublicErrorFilter },
      ],
    };
  }
}

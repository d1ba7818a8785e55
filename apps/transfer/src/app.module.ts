import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ACCOUNT_DELETED, databaseOptions, ServiceCoreModule } from '@app/common';
import { transferMigrations } from './migrations';
import { ChunkedCopy } from './parts/chunked-copy';
import { PresignedUploadController } from './presigned/presigned-upload.controller';
import { PresignedUploadEntity } from './presigned/presigned-upload.entity';
import { PresignedUploadService } from './presigned/presigned-upload.service';
import { ConnectorsCommands } from './parts/connectors-commands';
import { TaskPartEntity } from './parts/task-part.entity';
import { TaskPartRepository } from './parts/task-part.repository';
import { TaskController } from './tasks/task.controller';
import { TaskEntity } from './tasks/task.entity';
import { TaskProcessor } from './tasks/task.processor';
import { TaskQueue } from './tasks/task.queue';
import { TaskRepository } from './tasks/task.repository';
import { TaskService } from './tasks/task.service';
import type { TransferConfig } from './transfer.config';
import { UploadLocationController } from './upload-locations/upload-location.controller';
import { UploadLocationEntity } from './upload-locations/upload-location.entity';
import { UploadLocationRepository } from './upload-locations/upload-location.repository';
import { UploadLocationService } from './upload-locations/upload-location.service';

/** Background tasks (the Task API over Kafka, a Bull queue, bytes moved by the connectors service) and the apps' upload locations. */
@Module({})
export class TransferModule {
  static forRoot(config: TransferConfig, logger: Logger): DynamicModule {
    return {
      module: TransferModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'transfer', config, logger, calls: [], database: true, redis: true, consumesEvents: [ACCOUNT_DELETED] }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'transfer', entities: [TaskEntity, TaskPartEntity, UploadLocationEntity, PresignedUploadEntity], migrations: transferMigrations })),
        TypeOrmModule.forFeature([TaskEntity, TaskPartEntity, UploadLocationEntity, PresignedUploadEntity]),
      ],
      controllers: [TaskController, UploadLocationController, PresignedUploadController],
      providers: [TaskRepository, TaskService, TaskQueue, TaskProcessor, ConnectorsCommands, ChunkedCopy, TaskPartRepository, UploadLocationRepository, UploadLocationService, PresignedUploadService],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AccountCredentialsGet, ServiceCoreModule } from '@app/common';
import type { ConnectorsConfig } from './connectors.config';
import { ConnectorFactory } from './credentials/connector-factory';
import { CredentialsController } from './credentials/credentials.controller';
import { AccountConnectors } from './storage/account-connectors';
import { AccountEventsController } from './storage/account-events.controller';
import { StorageController } from './storage/storage.controller';
import { StorageService } from './storage/storage.service';

@Module({})
export class ConnectorsModule {
  static forRoot(config: ConnectorsConfig, logger: Logger): DynamicModule {
    return {
      module: ConnectorsModule,
      imports: [ServiceCoreModule.forRoot({ service: 'connectors', config, logger, calls: [AccountCredentialsGet], database: false, redis: false })],
      controllers: [StorageController, CredentialsController, AccountEventsController],
      providers: [ConnectorFactory, AccountConnectors, StorageService],
    };
  }
}

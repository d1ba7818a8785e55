import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { CredentialsValidate, databaseOptions, SecretBox, ServiceCoreModule } from '@app/common';
import { AccountController } from './accounts/account.controller';
import { AccountEntity } from './accounts/account.entity';
import { AccountRepository } from './accounts/account.repository';
import { AccountService } from './accounts/account.service';
import type { AuthConfig } from './auth.config';

import { authMigrations } from './migrations';

@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig, logger: Logger): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'auth', config, logger, calls: [CredentialsValidate], database: true, redis: false }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'auth', entities: [AccountEntity], migrations: authMigrations })),
        TypeOrmModule.forFeature([AccountEntity]),
      ],
      controllers: [AccountController],
      providers: [AccountRepository, AccountService, { provide: SecretBox, useValue: new SecretBox(config.ENCRYPTION_KEY) }],
    };
  }
}


import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { CredentialsTransport, CredentialsValidate, databaseOptions, SecretBox, ServiceCoreModule } from '@app/common';
import { AccountController } from './accounts/account.controller';
import { AccountEntity } from './accounts/account.entity';
import { AccountRepository } from './accounts/account.repository';
import { AccountService } from './accounts/account.service';
import { LocalLayoutMigration } from './accounts/local-layout.migration';
import type { AuthConfig } from './auth.config';
import { OAuthCodeEntity } from './oauth/oauth-code.entity';
import { OAuthController } from './oauth/oauth.controller';
import { OAuthFlowRepository } from './oauth/oauth-flow.repository';
import { OAuthProviderClient } from './oauth/oauth-provider.client';
import { OAuthService } from './oauth/oauth.service';
import { OAuthStateEntity } from './oauth/oauth-state.entity';
import { TokenRefreshService } from './oauth/token-refresh.service';
import { AccessTokenController } from './tokens/access-token.controller';
import { AccessTokenEntity } from './tokens/access-token.entity';
import { AccessTokenRepository } from './tokens/access-token.repository';
import { AccessTokenService } from './tokens/access-token.service';

import { authMigrations } from './migrations';
import { AppOAuthClientEntity } from './oauth/app-oauth-client.entity';
import { OAuthClients } from './oauth/oauth-clients.service';
import { IdleRefreshScheduler } from './oauth/idle-refresh.scheduler';

@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig, logger: Logger): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'auth', config, logger, calls: [CredentialsValidate], database: true, redis: false }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'auth', entities: [AccountEntity, AccessTokenEntity, OAuthStateEntity, OAuthCodeEntity, AppOAuthClientEntity], migrations: authMigrations })),
        TypeOrmModule.forFeature([AccountEntity, AccessTokenEntity]),
      ],
      controllers: [AccountController, AccessTokenController, OAuthController],
      providers: [AccountRepository, AccountService, LocalLayoutMigration, AccessTokenRepository, AccessTokenService, OAuthFlowRepository, OAuthProviderClient, OAuthClients, OAuthService, TokenRefreshService, IdleRefreshScheduler, { provide: SecretBox, useValue: new SecretBox(config.ENCRYPTION_KEY, config.ENCRYPTION_KEYS_PREVIOUS) }, { provide: CredentialsTransport, useValue: new CredentialsTransport(config.CREDENTIALS_TRANSPORT_KEY) }],
    };
  }
}


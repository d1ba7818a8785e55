import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LOGGER, OAuthAuthorize, OAuthCallback, OAuthClientDelete, OAuthClientList, OAuthClientSet, OAuthFormSubmit, OAuthRefresh, OAuthServices, OAuthToken } from '@app/common';
import { OAuthClients } from './oauth-clients.service';
import { AccountService } from '../accounts/account.service';
import { OAuthService } from './oauth.service';

@Controller()
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly accounts: AccountService,
    private readonly clients: OAuthClients,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(OAuthAuthorize.topic)
  authorize(@Payload() payload: unknown) {
    return handleRpc(OAuthAuthorize, payload, this.logger, (data, meta) => this.oauth.authorize(meta, data));
  }

  @MessagePattern(OAuthCallback.topic)
  callback(@Payload() payload: unknown) {
    return handleRpc(OAuthCallback, payload, this.logger, (data, meta) => this.oauth.callback(meta, data));
  }

  @MessagePattern(OAuthFormSubmit.topic)
  submitForm(@Payload() payload: unknown) {
    return handleRpc(OAuthFormSubmit, payload, this.logger, (data, meta) => this.oauth.submitForm(meta, data));
  }

  @MessagePattern(OAuthServices.topic)
  services(@Payload() payload: unknown) {
    return handleRpc(OAuthServices, payload, this.logger, async (_data, meta) => ({ services: await this.clients.servicesFor(meta.appId) }));
  }

  @MessagePattern(OAuthToken.topic)
  token(@Payload() payload: unknown) {
    return handleRpc(OAuthToken, payload, this.logger, (data, meta) => this.oauth.token(meta, data));
  }

  @MessagePattern(OAuthRefresh.topic)
  refresh(@Payload() payload: unknown) {
    return handleRpc(OAuthRefresh, payload, this.logger, (data, meta) => this.accounts.sealedCredentials(meta, data.accountId, data.usedTokenSha256 ?? null));
  }

  @MessagePattern(OAuthClientSet.topic)
  setClient(@Payload() payload: unknown) {
    return handleRpc(OAuthClientSet, payload, this.logger, (data, meta) => this.clients.set(meta.appId, data.service, data.clientId, data.clientSecret));
  }

  @MessagePattern(OAuthClientList.topic)
  listClients(@Payload() payload: unknown) {
    return handleRpc(OAuthClientList, payload, this.logger, async (_data, meta) => ({ clients: await this.clients.list(meta.appId) }));
  }

  @MessagePattern(OAuthClientDelete.topic)
  deleteClient(@Payload() payload: unknown) {
    return handleRpc(OAuthClientDelete, payload, this.logger, (data, meta) => this.clients.remove(meta.appId, data.service));
  }
}

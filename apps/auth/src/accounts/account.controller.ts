import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { AccountCreate, AccountCredentialsGet, AccountDelete, AccountGet, AccountList, handleRpc, LOGGER } from '@app/common';
import { AccountService } from './account.service';

@Controller()
export class AccountController {
  constructor(private readonly accounts: AccountService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(AccountCreate.topic)
  create(@Payload() payload: unknown) {
    return handleRpc(AccountCreate, payload, this.logger, (data, meta) => this.accounts.create(meta, data));
  }

  @MessagePattern(AccountList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(AccountList, payload, this.logger, (data, meta) => this.accounts.list(meta, data.page, data.pageSize));
  }

  @MessagePattern(AccountGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(AccountGet, payload, this.logger, (data, meta) => this.accounts.get(meta, data.accountId));
  }

  @MessagePattern(AccountDelete.topic)
  delete(@Payload() payload: unknown) {
    return handleRpc(AccountDelete, payload, this.logger, (data, meta) => this.accounts.delete(meta, data.accountId));
  }

  @MessagePattern(AccountCredentialsGet.topic)
  credentials(@Payload() payload: unknown) {
    return handleRpc(AccountCredentialsGet, payload, this.logger, (data, meta) => this.accounts.sealedCredentials(meta, data.accountId));
  }
}

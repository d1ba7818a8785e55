import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ACCOUNT_DELETED, type AccountDeletedData, type DomainEvent } from '@app/common';
import { AccountConnectors } from './account-connectors';

/** Account events that change what connectors may keep in memory. */
@Controller()
export class AccountEventsController {
  constructor(private readonly connectors: AccountConnectors) {}

  @EventPattern(ACCOUNT_DELETED)
  accountDeleted(@Payload() event: DomainEvent<AccountDeletedData>) {
    if (event?.appId && typeof event.accountId === 'number') this.connectors.forget(event.appId, event.accountId);
  }
}

import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ACCOUNT_DELETED, ACCOUNT_REAUTH_REQUIRED, ACCOUNT_TOKEN_REFRESHED, type DomainEvent } from '@app/common';
import { AccountConnectors } from './account-connectors';
import { FileAttachments } from './file-attachments';
import { FeedRepository } from '../feed/feed.repository';

/** Account events that change what connectors may keep in memory. */
@Controller()
export class AccountEventsController {
  constructor(private readonly connectors: AccountConnectors, private readonly attachments: FileAttachments, private readonly feed: FeedRepository) {}

  /** Deleted, refreshed (the cached access token is stale) or needing re-authorization: drop the live connector. */
  @EventPattern(ACCOUNT_DELETED)
  async accountDeleted(@Payload() event: DomainEvent<unknown>) {
    this.forget(event);
    // Its files' properties and links, its change feed and snapshot go too (an account id is never reused, but nothing should linger).
    if (event?.appId && typeof event.accountId === 'number') {
      await this.attachments.accountDeleted({ appId: event.appId, accountId: event.accountId });
      await this.feed.forget(event.accountId);
    }
  }

  @EventPattern(ACCOUNT_TOKEN_REFRESHED)
  tokenRefreshed(@Payload() event: DomainEvent<unknown>) {
    this.forget(event);
  }

  @EventPattern(ACCOUNT_REAUTH_REQUIRED)
  reauthRequired(@Payload() event: DomainEvent<unknown>) {
    this.forget(event);
  }

  private forget(event: DomainEvent<unknown> | undefined) {
    if (event?.appId && typeof event.accountId === 'number') this.connectors.forget(event.appId, event.accountId);
  }
}

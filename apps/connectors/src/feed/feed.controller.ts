import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { EventsLatest, EventsList, handleRpc, LOGGER, RecentList, SUBSCRIPTION_WATCH_CHANGED, type DomainEvent, type SubscriptionWatchChangedData } from '@app/common';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';

@Controller()
export class FeedController {
  constructor(private readonly service: FeedService, private readonly feed: FeedRepository, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(EventsList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(EventsList, payload, this.logger, (data, meta) => this.service.list(meta, data));
  }

  @MessagePattern(EventsLatest.topic)
  latest(@Payload() payload: unknown) {
    return handleRpc(EventsLatest, payload, this.logger, (_data, meta) => this.service.latest(meta));
  }

  @MessagePattern(RecentList.topic)
  recent(@Payload() payload: unknown) {
    return handleRpc(RecentList, payload, this.logger, (data, meta) => this.service.recent(meta, data));
  }

  /** Webhooks says whether an app has an active subscription to file events: its accounts are scanned while it does. */
  @EventPattern(SUBSCRIPTION_WATCH_CHANGED)
  async watchChanged(@Payload() event: DomainEvent<SubscriptionWatchChangedData>) {
    if (typeof event?.appId !== 'string' || typeof event.data?.watching !== 'boolean') {
      this.logger.warn({ type: SUBSCRIPTION_WATCH_CHANGED }, 'feed.watch.invalid_event');
      return;
    }
    await this.feed.setWatching(event.appId, event.data.watching, new Date(event.occurredAt));
  }
}

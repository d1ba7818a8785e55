import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { EVENT_PUBLISHER, EventPublisher, LOGGER, SUBSCRIPTION_WATCH_CHANGED, type SubscriptionWatchChangedData } from '@app/common';

/** An active endpoint subscribed to everything or to a file/folder event wants changes found outside the API. */
const WATCHING = `active AND ('*' = ANY(events) OR EXISTS (SELECT 1 FROM unnest(events) e WHERE e LIKE 'file.%' OR e LIKE 'folder.%'))`;

/**
 * Tells connectors whether an app has a webhook that wants file events
 * (`subscription.watch_changed`), so its accounts get the change-feed scan:
 * after every change to an app's endpoints, and for every app at start (which
 * also covers endpoints made before this event existed, or an event lost).
 */
@Injectable()
export class FileWatchAnnouncer implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EVENT_PUBLISHER) private readonly events: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const apps: Array<{ app_id: string }> = await this.db.query(`SELECT DISTINCT app_id FROM subscriptions`);
      for (const { app_id } of apps) await this.announce(app_id);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'webhooks.file_watch.announce_failed');
    }
  }

  /** Publishes the app's current state (never throws: the publisher logs a failure). */
  async announce(appId: string): Promise<void> {
    const [row] = await this.db.query(`SELECT EXISTS (SELECT 1 FROM subscriptions WHERE app_id = $1 AND ${WATCHING}) AS watching`, [appId]);
    await this.events.publish<SubscriptionWatchChangedData>(SUBSCRIPTION_WATCH_CHANGED, { appId, requestId: `file-watch-${randomUUID()}` }, undefined, { watching: row.watching });
  }
}

import { z } from 'zod';
import { defineContract } from '../envelope';
import type { ObjectList, PublicStorageObject } from '../public-objects';
import { pagingSchema, MAX_PAGE_SIZE } from '../paging';
import { TOPICS } from '../topics';

/** What happened to an object (Kloudless Event `type`). */
export const FEED_EVENT_TYPES = ['add', 'delete', 'move', 'rename', 'update'] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/**
 * A change-feed event (KLOUDLESS-API.md §3). `id` is the object's id (for a
 * delete: the id it had), `event_id` the event's own; `metadata` the File or
 * Folder as it was right after the change (before it, for a delete).
 */
export interface PublicFeedEvent {
  id: string;
  event_id: string;
  account: number;
  type: FeedEventType;
  modified: string;
  user_id: null;
  ip: null;
  metadata: PublicStorageObject;
}

/** One page of the feed: `cursor` continues after it, `remaining` events are past it. */
export interface PublicFeedPage {
  api: 'storage';
  type: 'object_list';
  objects: PublicFeedEvent[];
  count: number;
  cursor: number;
  remaining: number;
}

export const FEED_DEFAULT_PAGE_SIZE = 100;

/** `cursor` as the client sent it (opaque; validated by the connectors service), absent = from the oldest event kept. */
export const EventsList = defineContract<PublicFeedPage>()(
  TOPICS.connectors.eventsList,
  z.object({
    cursor: z.string().max(64).optional(),
    pageSize: z.coerce
      .number()
      .int()
      .min(1, 'page_size must be at least 1')
      .max(MAX_PAGE_SIZE, `page_size must be at most ${MAX_PAGE_SIZE}`)
      .default(FEED_DEFAULT_PAGE_SIZE),
  }),
);

/** The cursor of the newest event: reading from it returns only what happens after. */
export const EventsLatest = defineContract<{ cursor: number }>()(TOPICS.connectors.eventsLatest, z.object({}));

/** Files newest `modified` first; `after` null = an `after` that was not a timestamp (an empty list, as Kloudless). */
export const RecentList = defineContract<ObjectList<PublicStorageObject>>()(
  TOPICS.connectors.recent,
  pagingSchema.extend({ after: z.string().datetime({ offset: true }).nullable().optional() }),
);

import { z } from 'zod';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList } from '../public-objects';
import { TOPICS } from '../topics';
import { webhookIdSchema } from './subscription.contract';

/** One HTTP attempt of a delivery. */
export interface PublicDeliveryAttempt {
  attempt: number;
  /** When the request was sent (ISO 8601). */
  time: string;
  /** The receiver's HTTP status, null when no answer came (timeout, refused connection, refused URL). */
  status_code: number | null;
  latency_ms: number;
  /** The first 1 KB of the receiver's answer. */
  response: string | null;
  /** Why the attempt failed when there was no HTTP answer (`timeout`, `connection refused`…). */
  error: string | null;
  success: boolean;
}

/** One event sent to one endpoint, with every attempt so far. `webhook-id` stays the same across its attempts. */
export interface PublicDelivery {
  api: 'webhooks';
  type: 'delivery';
  id: string;
  webhook: string;
  /** The `webhook-id` header value (the event id). */
  message_id: string;
  event_type: string;
  /** `pending` (attempts left), `succeeded`, or `failed` (no attempts left). */
  status: 'pending' | 'succeeded' | 'failed';
  attempt_count: number;
  next_attempt: string | null;
  /** Why it ended without an answer deciding it (e.g. the endpoint was disabled). */
  error: string | null;
  created: string;
  modified: string;
  attempts: PublicDeliveryAttempt[];
}

export const deliveryIdSchema = z.string().min(1).max(64);
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export const DeliveryList = defineContract<ObjectList<PublicDelivery>>()(
  TOPICS.webhooks.deliveryList,
  pagingSchema.extend({ webhookId: webhookIdSchema, status: z.enum(DELIVERY_STATUSES).optional() }),
);

export const DeliveryRetry = defineContract<PublicDelivery>()(
  TOPICS.webhooks.deliveryRetry,
  z.object({ webhookId: webhookIdSchema, deliveryId: deliveryIdSchema }),
);

/** Sends a `ping` event to the endpoint now (whatever its event filter). */
export const WebhookTest = defineContract<PublicDelivery>()(TOPICS.webhooks.subscriptionTest, z.object({ webhookId: webhookIdSchema }));

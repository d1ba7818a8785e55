import { z } from 'zod';
import { defineContract } from '../envelope';
import { EVENT_TYPES } from '../events/catalog';
import { pagingSchema } from '../paging';
import type { ObjectList } from '../public-objects';
import { TOPICS } from '../topics';

/** A webhook endpoint (subscription) as the public API shows it. The secret appears only on creation and rotation. */
export interface PublicWebhook {
  api: 'webhooks';
  type: 'webhook';
  id: string;
  url: string;
  /** Event types, or `["*"]` for all. */
  events: string[];
  description: string | null;
  /** Set by the app (PATCH) or cleared by the platform when it disables the endpoint. */
  active: boolean;
  /** `active`, `inactive` (switched off by the app) or `disabled` (by the platform: see `disabled_reason`). */
  status: 'active' | 'inactive' | 'disabled';
  disabled_reason: string | null;
  disabled_at: string | null;
  /** Final delivery failures in a row; the endpoint is disabled when this reaches the configured limit. */
  consecutive_failures: number;
  created: string;
  modified: string;
  /** `whsec_<base64>`: only in the replies of create and rotate-secret. */
  secret?: string;
  /** During a rotation's grace period, when the previous secret stops being used. */
  previous_secret_expires?: string | null;
}

export const webhookIdSchema = z.string().min(1).max(64);
const byWebhookId = z.object({ webhookId: webhookIdSchema });

const eventsSchema = z
  .array(z.string())
  .min(1, 'events must name at least one event type, or be ["*"]')
  .max(EVENT_TYPES.length + 1)
  .superRefine((events, ctx) => {
    for (const e of events) {
      if (e !== '*' && !(EVENT_TYPES as readonly string[]).includes(e)) {
        ctx.addIssue({ code: 'custom', message: `unknown event type "${e.slice(0, 64)}"; known: ${EVENT_TYPES.join(', ')}, or "*"` });
      }
    }
  })
  .transform((events) => (events.includes('*') ? ['*'] : [...new Set(events)]));

const urlSchema = z
  .string()
  .max(2048, 'url must be at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'url must be an absolute http:// or https:// URL');

export const WebhookCreate = defineContract<PublicWebhook>()(
  TOPICS.webhooks.subscriptionCreate,
  z.object({
    url: urlSchema,
    events: eventsSchema,
    description: z.string().max(1024).nullable().optional(),
    active: z.boolean().optional(),
  }),
);

export const WebhookList = defineContract<ObjectList<PublicWebhook>>()(TOPICS.webhooks.subscriptionList, pagingSchema);

export const WebhookGet = defineContract<PublicWebhook>()(TOPICS.webhooks.subscriptionGet, byWebhookId);

export const webhookUpdateSchema = z
  .object({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    description: z.string().max(1024).nullable().optional(),
    /** `true` also re-enables an endpoint the platform disabled (and resets its failure count). */
    active: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'give at least one of url, events, description, active');

export const WebhookUpdate = defineContract<PublicWebhook>()(
  TOPICS.webhooks.subscriptionUpdate,
  z.object({ webhookId: webhookIdSchema, changes: webhookUpdateSchema }),
);

export const WebhookDelete = defineContract<{ deleted: true }>()(TOPICS.webhooks.subscriptionDelete, byWebhookId);

/** Max grace period a rotation may ask for: 7 days. */
export const MAX_SECRET_GRACE_SECONDS = 7 * 24 * 3600;

export const WebhookRotateSecret = defineContract<PublicWebhook>()(
  TOPICS.webhooks.subscriptionRotateSecret,
  z.object({
    webhookId: webhookIdSchema,
    /** How long the previous secret keeps signing (both signatures are sent); the service default when absent. */
    gracePeriodSeconds: z.number().int().min(0).max(MAX_SECRET_GRACE_SECONDS).optional(),
  }),
);

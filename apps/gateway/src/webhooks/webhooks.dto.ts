import { z } from 'zod';
import { DELIVERY_STATUSES, MAX_SECRET_GRACE_SECONDS, WebhookCreate, webhookUpdateSchema } from '@app/common';
import { pagingQuery } from '../http/paging-query';

/** Public request shapes of /v1/webhooks (snake_case on the wire, as the rest of the API). */
export const createWebhookBody = WebhookCreate.request;
export type CreateWebhookBody = z.output<typeof createWebhookBody>;

export const updateWebhookBody = webhookUpdateSchema;
export type UpdateWebhookBody = z.output<typeof updateWebhookBody>;

export const rotateSecretBody = z.object({
  /** Seconds the previous secret keeps signing; the service default (24 h) when absent. */
  grace_period_seconds: z.coerce.number().int().min(0).max(MAX_SECRET_GRACE_SECONDS).optional(),
});
export type RotateSecretBody = z.output<typeof rotateSecretBody>;

export const deliveriesQuery = z
  .object({ page: z.string().optional(), page_size: z.string().optional(), status: z.enum(DELIVERY_STATUSES).optional() })
  .transform((q, ctx) => {
    const paging = pagingQuery.safeParse({ page: q.page, page_size: q.page_size });
    if (!paging.success) {
      for (const issue of paging.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      return z.NEVER;
    }
    return { ...paging.data, status: q.status };
  });
export type DeliveriesQuery = z.output<typeof deliveriesQuery>;

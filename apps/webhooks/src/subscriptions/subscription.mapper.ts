import type { PublicWebhook } from '@app/common';
import type { SubscriptionEntity } from './subscription.entity';

/** The public shape; the secret only when `withSecret` (creation and rotation replies). */
export function toPublicWebhook(row: SubscriptionEntity, opts: { withSecret?: boolean; now?: Date } = {}): PublicWebhook {
  const now = opts.now ?? new Date();
  const graceLeft = row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now;
  const out: PublicWebhook = {
    api: 'webhooks',
    type: 'webhook',
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    status: row.active ? 'active' : row.disabledReason ? 'disabled' : 'inactive',
    disabled_reason: row.disabledReason,
    disabled_at: row.disabledAt ? row.disabledAt.toISOString() : null,
    consecutive_failures: row.consecutiveFailures,
    created: row.createdAt.toISOString(),
    modified: row.updatedAt.toISOString(),
    previous_secret_expires: graceLeft ? row.previousSecretExpiresAt!.toISOString() : null,
  };
  if (opts.withSecret) out.secret = row.secret;
  return out;
}

import type { PublicDelivery } from '@app/common';
import type { AttemptEntity } from './attempt.entity';
import type { DeliveryEntity } from './delivery.entity';

export function toPublicDelivery(row: DeliveryEntity, attempts: AttemptEntity[]): PublicDelivery {
  return {
    api: 'webhooks',
    type: 'delivery',
    id: row.id,
    webhook: row.subscriptionId,
    message_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempt_count: row.attemptCount,
    next_attempt: row.status === 'pending' && row.nextAttemptAt ? row.nextAttemptAt.toISOString() : null,
    error: row.lastError,
    created: row.createdAt.toISOString(),
    modified: row.updatedAt.toISOString(),
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      time: a.startedAt.toISOString(),
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      response: a.response,
      error: a.error,
      success: a.success,
    })),
  };
}

/**
 * Domain events: facts that happened, published fire-and-forget and keyed by
 * account id so one account's events stay ordered. `id` is unique per event so
 * consumers can de-duplicate an at-least-once delivery.
 */
export interface DomainEvent<T> {
  id: string;
  type: string;
  /** ISO 8601 time the fact happened. */
  occurredAt: string;
  appId: string;
  accountId?: number;
  requestId?: string;
  data: T;
}

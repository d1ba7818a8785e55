import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER } from '@app/common';
import type { WebhooksConfig } from '../webhooks.config';
import { DeliveryProcessor } from './delivery.processor';
import { DeliveryRepository } from './delivery.repository';

/** Other instances' new deliveries are found by polling this often (this instance's own wake it at once). */
const POLL_MS = 250;
const MAX_CLAIM = 200;

/**
 * Makes first attempts straight from Postgres: claims due deliveries in
 * batches (one query that also loads their events and endpoints; a lease per
 * delivery, rows other workers hold skipped) and sends them, at most
 * WEBHOOK_CONCURRENCY at a time. Retries keep their delays in the Bull queue.
 * Nothing lives only in memory or Redis: a claim whose worker died is taken
 * again when its lease runs out.
 */
@Injectable()
export class DeliveryClaimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private inFlight = 0;
  private claiming = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly leaseMs: number;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly processor: DeliveryProcessor,
    @Inject(CONFIG) private readonly config: WebhooksConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Longer than an attempt can take (the POST's timeout plus recording it).
    this.leaseMs = config.WEBHOOK_TIMEOUT + 15_000;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    // Attempts in flight finish (their leases would otherwise make them wait); new ones are left to the next start.
    for (let i = 0; i < 300 && (this.inFlight > 0 || this.claiming); i++) await new Promise((r) => setTimeout(r, 100));
  }

  /** New deliveries may be due (stored by this instance, or a slot freed): claim what fits. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    void this.claim();
  }

  private async claim(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.again = false;
        const free = Math.min(this.config.WEBHOOK_CONCURRENCY - this.inFlight, MAX_CLAIM);
        if (free <= 0) break;
        const batch = await this.deliveries.claimFirstAttempts(free, this.leaseMs);
        for (const found of batch) {
          this.inFlight++;
          this.processor
            .deliver(found, 1)
            .catch((err: unknown) => this.logger.error({ err: String(err), deliveryId: found.delivery.id }, 'webhooks.delivery.failed_to_attempt'))
            .finally(() => {
              this.inFlight--;
              // Refill once half the slots are free: batches stay large under load.
              if (this.inFlight <= this.config.WEBHOOK_CONCURRENCY / 2) this.wake();
            });
        }
        if (batch.length === free) this.again = true; // there may be more due
      } while (this.again && !this.stopped);
    } catch (err) {
      this.logger.error({ err: String(err) }, 'webhooks.claim.failed');
    } finally {
      this.claiming = false;
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, InvalidParametersError, LOGGER, NotFoundError, objectList, type MessageMeta, type ObjectList, type PublicWebhook } from '@app/common';
import { generateSecret } from '../delivery-http/signing';
import { checkUrlShape, resolveSafely, UrlRefusedError } from '../delivery-http/url-safety';
import type { WebhooksConfig } from '../webhooks.config';
import { toPublicWebhook } from './subscription.mapper';
import { FileWatchAnnouncer } from './file-watch.announcer';
import { SubscriptionRepository, type SubscriptionChanges } from './subscription.repository';

@Injectable()
export class SubscriptionService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly fileWatch: FileWatchAnnouncer,
    @Inject(CONFIG) private readonly config: WebhooksConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The secret is generated here and shown in this reply only. */
  async create(meta: MessageMeta, input: { url: string; events: string[]; description?: string | null; active?: boolean }): Promise<PublicWebhook> {
    await this.checkReceiver(input.url);
    const row = await this.subscriptions.insert(meta, {
      url: input.url,
      events: input.events,
      description: input.description ?? null,
      active: input.active ?? true,
      secret: generateSecret(),
    });
    this.logger.info({ webhookId: row.id, events: row.events }, 'webhooks.subscription.created');
    await this.fileWatch.announce(meta.appId);
    return toPublicWebhook(row, { withSecret: true });
  }

  async list(meta: MessageMeta, page: number, pageSize: number): Promise<ObjectList<PublicWebhook>> {
    const { rows, total } = await this.subscriptions.page(meta, page, pageSize);
    if (rows.length === 0 && page > 1) throw new NotFoundError(`Page ${page} is past the last page.`);
    return objectList('webhooks', rows.map((r) => toPublicWebhook(r)), page, page * pageSize < total, total);
  }

  async get(meta: MessageMeta, id: string): Promise<PublicWebhook> {
    const row = await this.subscriptions.findOne(meta, id);
    if (!row) throw notFound(id);
    return toPublicWebhook(row);
  }

  async update(meta: MessageMeta, id: string, changes: SubscriptionChanges): Promise<PublicWebhook> {
    if (changes.url !== undefined) await this.checkReceiver(changes.url);
    const row = await this.subscriptions.update(meta, id, changes);
    if (!row) throw notFound(id);
    await this.fileWatch.announce(meta.appId);
    return toPublicWebhook(row);
  }

  async delete(meta: MessageMeta, id: string): Promise<{ deleted: true }> {
    if (!(await this.subscriptions.delete(meta, id))) throw notFound(id);
    await this.fileWatch.announce(meta.appId);
    this.logger.info({ webhookId: id }, 'webhooks.subscription.deleted');
    return { deleted: true };
  }

  /** A new secret; the previous one keeps signing (both signatures sent) for the grace period. */
  async rotateSecret(meta: MessageMeta, id: string, gracePeriodSeconds?: number): Promise<PublicWebhook> {
    const graceMs = gracePeriodSeconds !== undefined ? gracePeriodSeconds * 1000 : this.config.WEBHOOK_SECRET_GRACE;
    const row = await this.subscriptions.rotateSecret(meta, id, generateSecret(), new Date(Date.now() + graceMs));
    if (!row) throw notFound(id);
    this.logger.info({ webhookId: id, graceSeconds: Math.round(graceMs / 1000) }, 'webhooks.subscription.secret_rotated');
    return toPublicWebhook(row, { withSecret: true });
  }

  /** Refuses at once what every delivery would refuse: a non-http(s) URL or a host in a forbidden range. */
  private async checkReceiver(url: string): Promise<void> {
    try {
      const u = checkUrlShape(url);
      await resolveSafely(u.hostname, this.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS);
    } catch (err) {
      if (err instanceof UrlRefusedError) throw new InvalidParametersError(`url: ${err.message}`);
      throw err;
    }
  }
}

/** Another app's webhook and a missing one look the same: 404. */
function notFound(id: string) {
  return new NotFoundError(`Webhook ${id.slice(0, 64)} was not found.`);
}

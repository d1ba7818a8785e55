import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { handleRpc, LOGGER, WebhookCreate, WebhookDelete, WebhookGet, WebhookList, WebhookRotateSecret, WebhookUpdate } from '@app/common';
import { SubscriptionService } from './subscription.service';

@Controller()
export class SubscriptionController {
  constructor(private readonly subscriptions: SubscriptionService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(WebhookCreate.topic)
  create(@Payload() payload: unknown) {
    return handleRpc(WebhookCreate, payload, this.logger, (data, meta) => this.subscriptions.create(meta, data));
  }

  @MessagePattern(WebhookList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(WebhookList, payload, this.logger, (data, meta) => this.subscriptions.list(meta, data.page, data.pageSize));
  }

  @MessagePattern(WebhookGet.topic)
  get(@Payload() payload: unknown) {
    return handleRpc(WebhookGet, payload, this.logger, (data, meta) => this.subscriptions.get(meta, data.webhookId));
  }

  @MessagePattern(WebhookUpdate.topic)
  update(@Payload() payload: unknown) {
    return handleRpc(WebhookUpdate, payload, this.logger, (data, meta) => this.subscriptions.update(meta, data.webhookId, data.changes));
  }

  @MessagePattern(WebhookDelete.topic)
  delete(@Payload() payload: unknown) {
    return handleRpc(WebhookDelete, payload, this.logger, (data, meta) => this.subscriptions.delete(meta, data.webhookId));
  }

  @MessagePattern(WebhookRotateSecret.topic)
  rotateSecret(@Payload() payload: unknown) {
    return handleRpc(WebhookRotateSecret, payload, this.logger, (data, meta) => this.subscriptions.rotateSecret(meta, data.webhookId, data.gracePeriodSeconds));
  }
}

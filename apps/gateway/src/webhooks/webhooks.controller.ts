import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import {
  DeliveryList,
  DeliveryRetry,
  RPC_CLIENT,
  RpcClient,
  WebhookCreate,
  WebhookDelete,
  WebhookGet,
  WebhookList,
  WebhookRotateSecret,
  WebhookTest,
  WebhookUpdate,
  type MessageMeta,
} from '@app/common';
import { Meta } from '../access/caller.decorator';
import { pagingQuery, type PagingQuery } from '../http/paging-query';
import { ZodPipe } from '../http/zod.pipe';
import {
  createWebhookBody,
  deliveriesQuery,
  rotateSecretBody,
  updateWebhookBody,
  type CreateWebhookBody,
  type DeliveriesQuery,
  type RotateSecretBody,
  type UpdateWebhookBody,
} from './webhooks.dto';

/** The webhooks admin API of an app (API key). Every route is one call to the webhooks service. */
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  create(@Meta() meta: MessageMeta, @Body(new ZodPipe(createWebhookBody)) body: CreateWebhookBody) {
    return this.rpc.call(WebhookCreate, meta, body);
  }

  @Get()
  list(@Meta() meta: MessageMeta, @Query(new ZodPipe(pagingQuery)) query: PagingQuery) {
    return this.rpc.call(WebhookList, meta, query);
  }

  @Get(':webhookId')
  get(@Meta() meta: MessageMeta, @Param('webhookId') webhookId: string) {
    return this.rpc.call(WebhookGet, meta, { webhookId });
  }

  @Patch(':webhookId')
  update(@Meta() meta: MessageMeta, @Param('webhookId') webhookId: string, @Body(new ZodPipe(updateWebhookBody)) changes: UpdateWebhookBody) {
    return this.rpc.call(WebhookUpdate, meta, { webhookId, changes });
  }

  @Delete(':webhookId')
  @HttpCode(204)
  async delete(@Meta() meta: MessageMeta, @Param('webhookId') webhookId: string): Promise<void> {
    await this.rpc.call(WebhookDelete, meta, { webhookId });
  }

  @Post(':webhookId/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Meta() meta: MessageMeta, @Param('webhookId') webhookId: string, @Body(new ZodPipe(rotateSecretBody)) body: RotateSecretBody) {
    return this.rpc.call(WebhookRotateSecret, meta, { webhookId, gracePeriodSeconds: body.grace_period_seconds });
  }

  @Get(':webhookId/deliveries')
  deliveries(@Meta() meta: MessageMeta, @Param('webhookId') webhookId: string, @Query(new ZodPipe(deliveriesQuery)) query: DeliveriesQuery) {
    return this.rpc.call(DeliveryList, meta, { webhookId, ...query });
  }

  @Post(':webhookId/deliveries/:deliveryId/retry')
  @HttpCode(202)
  retry(@Meta() meta: MessageMeta, @Param('webhookId') webhookId: string, @Param('deliveryId') deliveryId: string) {
    return this.rpc.call(DeliveryRetry, meta, { webhookId, deliveryId });
  }

  @Post(':webhookId/test')
  @HttpCode(202)
  test(@Meta() meta: MessageMeta, @Param('webhookId') webhookId: string) {
    return this.rpc.call(WebhookTest, meta, { webhookId });
  }
}

/** The contracts this controller calls (the gateway subscribes to their replies). */
export const webhookCalls = [WebhookCreate, WebhookList, WebhookGet, WebhookUpdate, WebhookDelete, WebhookRotateSecret, WebhookTest, DeliveryList, DeliveryRetry];

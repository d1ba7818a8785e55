import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { DeliveryList, DeliveryRetry, handleRpc, LOGGER, WebhookTest } from '@app/common';
import { DeliveryService } from './delivery.service';

@Controller()
export class DeliveryController {
  constructor(private readonly deliveries: DeliveryService, @Inject(LOGGER) private readonly logger: Logger) {}

  @MessagePattern(DeliveryList.topic)
  list(@Payload() payload: unknown) {
    return handleRpc(DeliveryList, payload, this.logger, (data, meta) => this.deliveries.list(meta, data.webhookId, data));
  }

  @MessagePattern(DeliveryRetry.topic)
  retry(@Payload() payload: unknown) {
    return handleRpc(DeliveryRetry, payload, this.logger, (data, meta) => this.deliveries.retry(meta, data.webhookId, data.deliveryId));
  }

  @MessagePattern(WebhookTest.topic)
  test(@Payload() payload: unknown) {
    return handleRpc(WebhookTest, payload, this.logger, (data, meta) => this.deliveries.ping(meta, data.webhookId));
  }
}

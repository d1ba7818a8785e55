import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { databaseOptions, EVENT_TYPES, SecretBox, ServiceCoreModule } from '@app/common';
import { AttemptEntity } from './deliveries/attempt.entity';
import { DeliveryController } from './deliveries/delivery.controller';
import { DeliveryEntity } from './deliveries/delivery.entity';
import { DeliveryProcessor } from './deliveries/delivery.processor';
import { DeliveryQueue } from './deliveries/delivery.queue';
import { DeliveryClaimer } from './deliveries/delivery.claimer';
import { DeliveryRepository } from './deliveries/delivery.repository';
import { DeliveryService } from './deliveries/delivery.service';
import { ReceiverClient } from './delivery-http/receiver.client';
import { EventController } from './events/event.controller';
import { EventEntity } from './events/event.entity';
import { EventRepository } from './events/event.repository';
import { EventService } from './events/event.service';
import { webhooksMigrations } from './migrations';
import { SubscriptionController } from './subscriptions/subscription.controller';
import { signingSecretSealing, SubscriptionEntity } from './subscriptions/subscription.entity';
import { SubscriptionRepository } from './subscriptions/subscription.repository';
import { FileWatchAnnouncer } from './subscriptions/file-watch.announcer';
import { SubscriptionService } from './subscriptions/subscription.service';
import type { WebhooksConfig } from './webhooks.config';

const entities = [SubscriptionEntity, EventEntity, DeliveryEntity, AttemptEntity];

/** Webhook delivery: subscriptions, the event consumer, the Bull delivery queue and its processor. */
@Module({})
export class WebhooksModule {
  static forRoot(config: WebhooksConfig, logger: Logger): DynamicModule {
    signingSecretSealing.use(new SecretBox(config.ENCRYPTION_KEY, config.ENCRYPTION_KEYS_PREVIOUS));
    return {
      module: WebhooksModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'webhooks', config, logger, calls: [], database: true, redis: true, consumesEvents: [...EVENT_TYPES] }),
        TypeOrmModule.forRoot(databaseOptions({ url: config.DATABASE_URL, schema: 'webhooks', entities, migrations: webhooksMigrations })),
        TypeOrmModule.forFeature(entities),
      ],
      controllers: [SubscriptionController, DeliveryController, EventController],
      providers: [
        SubscriptionRepository,
        SubscriptionService,
        FileWatchAnnouncer,
        EventRepository,
        EventService,
        DeliveryRepository,
        DeliveryService,
        DeliveryQueue,
        DeliveryClaimer,
        DeliveryProcessor,
        {
          provide: ReceiverClient,
          useValue: new ReceiverClient({ timeoutMs: config.WEBHOOK_TIMEOUT, allowNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS }),
        },
      ],
    };
  }
}

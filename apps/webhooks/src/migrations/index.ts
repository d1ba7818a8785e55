import { CreateWebhooks1764000000000 } from './1764000000000-create-webhooks';
import { DeliveryClaims1764100000000 } from './1764100000000-delivery-claims';

/** Every migration of the webhooks schema, oldest first. */
export const webhooksMigrations: Function[] = [CreateWebhooks1764000000000, DeliveryClaims1764100000000];

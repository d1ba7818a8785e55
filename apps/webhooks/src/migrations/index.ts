import { CreateWebhooks1764000000000 } from './1764000000000-create-webhooks';

/** Every migration of the webhooks schema, oldest first. */
export const webhooksMigrations: Function[] = [CreateWebhooks1764000000000];

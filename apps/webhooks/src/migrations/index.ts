/** Every migration of the webhooks schema, oldest first. */
export const webhooksMigrations: Function[] = [];

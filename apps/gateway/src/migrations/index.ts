import { CreateApps1763900000000 } from './1763900000000-create-apps';

/** Every migration of the gateway schema, oldest first. */
export const gatewayMigrations = [CreateApps1763900000000];

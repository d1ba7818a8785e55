import { CreateApps1763900000000 } from './1763900000000-create-apps';
import { CreateRedirectUris1764000000000 } from './1764000000000-create-redirect-uris';

/** Every migration of the gateway schema, oldest first. */
export const gatewayMigrations = [CreateApps1763900000000, CreateRedirectUris1764000000000];

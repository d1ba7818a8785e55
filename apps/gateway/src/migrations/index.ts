import { CreateApps1763900000000 } from './1763900000000-create-apps';
import { CreateRedirectUris1764000000000 } from './1764000000000-create-redirect-uris';
import { AddAppOrigins1764100000000 } from './1764100000000-add-app-origins';

/** Every migration of the gateway schema, oldest first. */
export const gatewayMigrations = [CreateApps1763900000000, CreateRedirectUris1764000000000, AddAppOrigins1764100000000];

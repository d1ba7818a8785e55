import { CreateMultipartSessions1763900000000 } from './1763900000000-create-multipart-sessions';

/** Every migration of the connectors schema, oldest first. */
export const connectorsMigrations = [CreateMultipartSessions1763900000000];

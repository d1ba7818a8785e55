import { CreateAccounts1763900000000 } from './1763900000000-create-accounts';

/** Every migration of the auth schema, oldest first. */
export const authMigrations = [CreateAccounts1763900000000];

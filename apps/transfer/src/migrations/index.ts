import { CreateTasks1763900000000 } from './1763900000000-create-tasks';

/** Every migration of the transfer schema, oldest first. */
export const transferMigrations = [CreateTasks1763900000000];

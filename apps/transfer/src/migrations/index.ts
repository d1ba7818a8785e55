import { CreateTasks1763900000000 } from './1763900000000-create-tasks';
import { TaskProgress1764100000000 } from './1764100000000-task-progress';
import { TaskParts1764200000000 } from './1764200000000-task-parts';
import { UploadLocations1764300000000 } from './1764300000000-upload-locations';
import { PresignedUploads1764400000000 } from './1764400000000-presigned-uploads';

/** Every migration of the transfer schema, oldest first. */
export const transferMigrations = [CreateTasks1763900000000, TaskProgress1764100000000, TaskParts1764200000000, UploadLocations1764300000000, PresignedUploads1764400000000];

import { z } from 'zod';
import { databaseEnv, envPieces, healthEnv, kafkaEnv, logEnv, redisEnv, type ConfigOf } from '@app/common';

export const transferConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...redisEnv,
  ...healthEnv,
  HEALTH_PORT: envPieces.port(8083),
  /** The connectors' internal endpoint: copies run there (bytes never pass through this service). */
  CONNECTORS_STREAM_URL: z.string().url().default('http://127.0.0.1:8082'),
  /** Shared secret of that endpoint. At least 16 characters. */
  INTERNAL_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Seconds a finished task's result is kept; then GET answers UNKNOWN (seed 002: 10 minutes). */
  TASK_RETENTION_S: envPieces.positiveInt(600),
  /** Tasks one transfer instance runs at once. */
  TASK_CONCURRENCY: envPieces.positiveInt(4),
};
export type TransferConfig = ConfigOf<typeof transferConfigShape>;

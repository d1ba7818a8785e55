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
  /** Milliseconds a running task's Bull lock lasts without renewal: after a worker is killed, its task resumes on another (or the restarted) worker this much later. */
  TASK_LOCK_MS: envPieces.positiveInt(30_000),
  /** Bytes per part of a chunked copy (raised to fit the destination's limits; shrinks when parts stall). */
  TRANSFER_PART_SIZE: envPieces.positiveInt(16 * 1024 * 1024),
  /** Files up to this many bytes are copied in one stream; larger ones part by part (destinations with chunked writes). */
  TRANSFER_CHUNK_ABOVE: envPieces.positiveInt(16 * 1024 * 1024),
  /** Parts of one task copied at once. */
  TRANSFER_PARTS_PER_TASK: envPieces.positiveInt(4),
  /** Parts copied at once by one transfer instance, over all its tasks. */
  TRANSFER_PARTS_GLOBAL: envPieces.positiveInt(16),
  /** Milliseconds a part may go without moving a byte before it is cut off, split and retried. */
  TRANSFER_STALL_TIMEOUT_MS: envPieces.positiveInt(30_000),
  /** Milliseconds one part may take in all. */
  TRANSFER_PART_TIMEOUT_MS: envPieces.positiveInt(600_000),
  /** Least time between two task.progress events of one task (0: none are sent). */
  TASK_PROGRESS_EVENT_MS: z.coerce.number().int().nonnegative().default(5_000),
  /** Tries per part (and for the final commit) before the task fails; with the backoff (0.5 s doubling, at most 10 s) 8 tries ride out ~35 s of connectors being away. */
  TRANSFER_PART_ATTEMPTS: envPieces.positiveInt(8),
};
export type TransferConfig = ConfigOf<typeof transferConfigShape>;

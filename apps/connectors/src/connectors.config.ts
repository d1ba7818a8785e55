import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { databaseEnv, envPieces, healthEnv, kafkaEnv, logEnv, type ConfigOf } from '@app/common';

export const connectorsConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...healthEnv,
  /** Health and the internal stream endpoint (gateway ⇄ connectors bytes). */
  HEALTH_PORT: envPieces.port(8082),
  /** Shared secret the gateway presents on the internal stream endpoint. At least 16 characters. */
  INTERNAL_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Every `local` account lives in a folder below this one; nothing outside it can be reached. */
  LOCAL_STORAGE_ROOT: z.string().refine(isAbsolute, 'must be an absolute path'),
  /** Seconds an account's decrypted config and open connector are kept in memory. */
  CONNECTOR_CACHE_TTL_S: envPieces.positiveInt(60),
  /** Preferred part size of multipart sessions, raised when a service's limits need it. */
  MULTIPART_PART_SIZE: envPieces.positiveInt(8 * 1024 * 1024),
};
export type ConnectorsConfig = ConfigOf<typeof connectorsConfigShape>;

import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { envPieces, healthEnv, kafkaEnv, logEnv, type ConfigOf } from '@app/common';

export const connectorsConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...healthEnv,
  HEALTH_PORT: envPieces.port(8082),
  /** Every `local` account lives in a folder below this one; nothing outside it can be reached. */
  LOCAL_STORAGE_ROOT: z.string().refine(isAbsolute, 'must be an absolute path'),
  /** Seconds an account's decrypted config and open connector are kept in memory. */
  CONNECTOR_CACHE_TTL_S: envPieces.positiveInt(60),
};
export type ConnectorsConfig = ConfigOf<typeof connectorsConfigShape>;

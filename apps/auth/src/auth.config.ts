import { databaseEnv, encryptionEnv, envPieces, healthEnv, kafkaEnv, logEnv, redisEnv, type ConfigOf } from '@app/common';

export const authConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...redisEnv,
  ...healthEnv,
  HEALTH_PORT: envPieces.port(8081),
  ...encryptionEnv,
};
export type AuthConfig = ConfigOf<typeof authConfigShape>;

import { databaseEnv, envPieces, healthEnv, kafkaEnv, logEnv, redisEnv, type ConfigOf } from '@app/common';

export const webhooksConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...redisEnv,
  ...healthEnv,
  HEALTH_PORT: envPieces.port(8084),
};
export type WebhooksConfig = ConfigOf<typeof webhooksConfigShape>;

import { z } from 'zod';
import { credentialsTransportEnv, databaseEnv, encryptionEnv, envPieces, healthEnv, kafkaEnv, logEnv, redisEnv, type ConfigOf } from '@app/common';
import { oauthProvidersEnv } from './oauth/oauth-providers';

export const authConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...redisEnv,
  ...healthEnv,
  HEALTH_PORT: envPieces.port(8081),
  ...encryptionEnv,
  ...credentialsTransportEnv,
  /** Per-service OAuth client settings (see oauth-providers.ts); a service left out cannot be connected. */
  OAUTH_PROVIDERS_JSON: oauthProvidersEnv,
  /** Our public callback, registered with every provider: the gateway's `/v1/oauth/callback`. */
  OAUTH_CALLBACK_URL: z.string().url().default('http://127.0.0.1:8080/v1/oauth/callback'),
  /** Access tokens this close to expiry (seconds) are refreshed before they are handed out. */
  OAUTH_REFRESH_MARGIN_S: z.coerce.number().int().min(0).default(300),
  /** Longest wait for another instance's refresh of the same account before answering 503. */
  OAUTH_REFRESH_LOCK_TIMEOUT_MS: envPieces.positiveInt(15_000),
  /** OAuth accounts unused (not refreshed) this many hours are refreshed in the background, so their refresh tokens do not lapse. */
  OAUTH_IDLE_REFRESH_HOURS: envPieces.positiveInt(20),
  /** Seconds between background sweeps for idle OAuth accounts (each refreshes at most 100). */
  OAUTH_IDLE_SWEEP_INTERVAL_S: envPieces.positiveInt(3600),
};
export type AuthConfig = ConfigOf<typeof authConfigShape>;

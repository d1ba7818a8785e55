import { z } from 'zod';
import { databaseEnv, encryptionEnv, envPieces, healthEnv, kafkaEnv, logEnv, redisEnv, type ConfigOf } from '@app/common';
import { parseDuration, parseSchedule } from './deliveries/schedule';
import { NETWORK_CLASSES, type NetworkClass } from './delivery-http/url-safety';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return parseDuration(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

export const webhooksConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...encryptionEnv,
  ...redisEnv,
  ...healthEnv,
  HEALTH_PORT: envPieces.port(8084),
  /**
   * When each attempt is sent, counted from the first attempt (seed 003).
   * The first attempt is always immediate: `5m,1h,12h` and `0,5m,1h,12h` are the same.
   */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('0,5m,1h,12h')
    .transform((v, ctx) => {
      try {
        return parseSchedule(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** One attempt's limit, connection to last byte read. */
  WEBHOOK_TIMEOUT: duration('10s'),
  /** Deliveries in a row that end `failed` before the platform disables the endpoint. */
  WEBHOOK_DISABLE_AFTER_FAILURES: envPieces.positiveInt(10),
  /** Default grace period of a secret rotation: the previous secret keeps signing this long. */
  WEBHOOK_SECRET_GRACE: duration('24h'),
  /**
   * Address ranges a receiver may resolve to although they are not public:
   * comma-separated `loopback`, `private`, `link_local`, or `all`. Empty (the default) refuses them all.
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (parts.includes('all')) return [...NETWORK_CLASSES];
      const bad = parts.filter((p) => !(NETWORK_CLASSES as readonly string[]).includes(p));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `unknown range(s) ${bad.join(', ')}; use ${NETWORK_CLASSES.join(', ')} or all` });
        return z.NEVER;
      }
      return parts as NetworkClass[];
    }),
  /** Deliveries sent at once by one instance. */
  /** Events stored in one transaction at most (those arriving within 2 ms of each other, or while the previous batch is written). */
  WEBHOOK_INTAKE_BATCH: envPieces.positiveInt(500),
  WEBHOOK_CONCURRENCY: envPieces.positiveInt(20),
  /**
   * The Bull queue's name. Defaults to one per database, so two stacks sharing
   * a Redis (development and tests) never take each other's jobs.
   */
  WEBHOOK_QUEUE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/).optional(),
  /** How often pending deliveries whose job is missing (Redis lost data, a crash between steps) are put back on the queue. */
  WEBHOOK_SWEEP_INTERVAL: duration('60s'),
};
export type WebhooksConfig = ConfigOf<typeof webhooksConfigShape>;

export function queueName(config: Pick<WebhooksConfig, 'WEBHOOK_QUEUE_NAME' | 'DATABASE_URL'>): string {
  if (config.WEBHOOK_QUEUE_NAME) return config.WEBHOOK_QUEUE_NAME;
  const db = new URL(config.DATABASE_URL).pathname.replace(/^\//, '') || 'default';
  return `webhook-deliveries.${db.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

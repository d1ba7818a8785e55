import { z } from 'zod';

/**
 * Configuration comes only from environment variables, validated once at
 * start. Each app composes its schema from these pieces; a bad or missing
 * variable stops the process with a message naming it.
 */
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const kafkaEnv = {
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  /** How long a fetch may wait for data. Small in development: the dev broker holds every fetch this long. */
  KAFKA_MAX_WAIT_MS: positiveInt(100),
  /** How long a caller waits for a reply before answering 504. */
  KAFKA_REQUEST_TIMEOUT_MS: positiveInt(10_000),
  /** Partitions each consumer works on at once. */
  KAFKA_PARTITIONS_CONCURRENCY: positiveInt(3),
};

export const databaseEnv = {
  /** postgres://role:password@host:port/database — the service's own role. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
};

export const redisEnv = {
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
};

export const encryptionEnv = {
  /** 32 random bytes, base64: seals stored credentials, tokens and signing secrets (AES-256-GCM). */
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)'),
};

export const healthEnv = {
  HEALTH_HOST: z.string().default('127.0.0.1'),
};

export const envPieces = { port, positiveInt };

export type ConfigOf<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>>;

/** Parses `env` against `shape`; on failure prints each bad variable and exits non-zero. */
export function loadConfig<S extends z.ZodRawShape>(service: string, shape: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? '?');
    const given = env[name] === undefined ? 'is not set' : 'is invalid';
    process.stderr.write(`${service}: configuration error: ${name} ${given}: ${issue.message}\n`);
  }
  process.exit(1);
}

import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { OutboundPolicy } from '../net/address-policy';

/**
 * Configuration comes only from environment variables, validated once at
 * start. Each app composes its schema from these pieces; a bad or missing
 * variable stops the process with a message naming it.
 */
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where spans go (OTLP/HTTP JSON, `<endpoint>/v1/traces`); unset, no span is recorded at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
};

export const kafkaEnv = {
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  /** How long a fetch may wait for data when there is none; the broker answers as soon as data arrives (the dev broker too, ADR 0009). */
  KAFKA_MAX_WAIT_MS: positiveInt(500),
  /** How long a caller waits for a reply before answering 504. */
  KAFKA_REQUEST_TIMEOUT_MS: positiveInt(10_000),
  /** Partitions each consumer works on at once. */
  KAFKA_PARTITIONS_CONCURRENCY: positiveInt(3),
  /** Messages a service handles at once over all its partitions (requests in any order, events in order per key); beyond it the consumer stops fetching. */
  KAFKA_HANDLER_CONCURRENCY: positiveInt(64),
  /** SASL: empty (none, the development broker), `plain`, `scram-sha-256` or `scram-sha-512`; then username and password are required. */
  KAFKA_SASL_MECHANISM: z.enum(['', 'plain', 'scram-sha-256', 'scram-sha-512']).default(''),
  KAFKA_SASL_USERNAME: z.string().default(''),
  KAFKA_SASL_PASSWORD: z.string().default(''),
  /** TLS to the brokers; the CA, certificate and key files are optional (system CAs by default) and must be readable. */
  KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  KAFKA_SSL_CA_FILE: z.string().default(''),
  KAFKA_SSL_CERT_FILE: z.string().default(''),
  KAFKA_SSL_KEY_FILE: z.string().default(''),
  KAFKA_SSL_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true'),
};

/** Settings that only make sense together: each problem names the variable to fix. */
export function kafkaSecurityProblems(env: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (env.KAFKA_SASL_MECHANISM) {
    if (!env.KAFKA_SASL_USERNAME) problems.push(`KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is ${env.KAFKA_SASL_MECHANISM}`);
    if (!env.KAFKA_SASL_PASSWORD) problems.push(`KAFKA_SASL_PASSWORD is required when KAFKA_SASL_MECHANISM is ${env.KAFKA_SASL_MECHANISM}`);
  } else if (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) {
    problems.push('KAFKA_SASL_MECHANISM is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set');
  }
  for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE']) {
    const file = env[name];
    if (!file) continue;
    if (env.KAFKA_SSL !== 'true') problems.push(`${name} is set but KAFKA_SSL is not true`);
    try {
      accessSync(String(file), constants.R_OK);
    } catch {
      problems.push(`${name} (${String(file)}) cannot be read`);
    }
  }
  if (Boolean(env.KAFKA_SSL_CERT_FILE) !== Boolean(env.KAFKA_SSL_KEY_FILE)) problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together');
  return problems;
}

export const databaseEnv = {
  /** postgres://role:password@host:port/database — the service's own role. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
};

export const redisEnv = {
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
};

const is32Bytes = (v: string) => Buffer.from(v, 'base64').length === 32;

export const encryptionEnv = {
  /** 32 random bytes, base64: seals stored credentials, tokens and signing secrets (AES-256-GCM). */
  ENCRYPTION_KEY: z.string().refine(is32Bytes, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)'),
  /** Keys ENCRYPTION_KEY replaced, comma-separated: values they sealed stay readable; new values use ENCRYPTION_KEY. */
  ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .refine((keys) => keys.every(is32Bytes), 'must be comma-separated 32-byte base64 keys'),
};

/**
 * Outbound connections users can aim (connector endpoints, hosts, URLs): public
 * addresses only, unless listed here: classes `loopback`, `private`,
 * `link_local` and/or CIDR ranges, comma-separated.
 */
export const outboundEnv = {
  OUTBOUND_ALLOW_NETWORKS: z
    .string()
    .default('')
    .refine((v) => {
      try {
        OutboundPolicy.parse(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be a comma-separated list of loopback, private, link_local and CIDR ranges (e.g. 10.0.0.0/8)'),
};

/** Seals the credentials auth sends the connectors service over Kafka: 32 bytes, base64, the same in both. */
export const credentialsTransportEnv = {
  CREDENTIALS_TRANSPORT_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)'),
};

export const healthEnv = {
  HEALTH_HOST: z.string().default('127.0.0.1'),
  /** On SIGTERM: how long requests, messages and jobs in flight may take to finish before the process exits anyway. */
  SHUTDOWN_GRACE_MS: positiveInt(25_000),
};

/** A JSON value in one variable (default `{}`), then checked by `schema`. */
const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .default('{}')
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(schema);

export const envPieces = { port, positiveInt, json };

export type ConfigOf<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>>;

/** Parses `env` against `shape`; on failure prints each bad variable and exits non-zero. */
export function loadConfig<S extends z.ZodRawShape>(service: string, shape: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const result = z.object(shape).safeParse(env);
  if (result.success) {
    const problems = 'KAFKA_BROKERS' in shape ? kafkaSecurityProblems(result.data as Record<string, unknown>) : [];
    if (problems.length === 0) return result.data;
    for (const p of problems) process.stderr.write(`${service}: configuration error: ${p}\n`);
    process.exit(1);
  }
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? '?');
    const given = env[name] === undefined ? 'is not set' : 'is invalid';
    process.stderr.write(`${service}: configuration error: ${name} ${given}: ${issue.message}\n`);
  }
  process.exit(1);
}

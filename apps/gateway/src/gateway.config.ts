import { z } from 'zod';
import { databaseEnv, envPieces, healthEnv, kafkaEnv, logEnv, redisEnv, type ConfigOf } from '@app/common';

const url = z.string().url();

export const gatewayConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...redisEnv,
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: envPieces.port(8080),
  /** Bearer token for /v1/admin/* (creating apps). At least 16 characters. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Largest JSON request body, in bytes. */
  JSON_BODY_LIMIT: envPieces.positiveInt(1024 * 1024),
  /** Largest body of a route that authenticates inside its handler (the OAuth token endpoint) or needs no credentials. */
  JSON_BODY_LIMIT_UNAUTHENTICATED: envPieces.positiveInt(16 * 1024),
  /** Deepest nesting of arrays and objects in a JSON body; checked on the raw bytes before parsing. */
  JSON_MAX_DEPTH: envPieces.positiveInt(64),
  /** The connectors' internal stream endpoint: upload and download bytes go there, never over Kafka. */
  CONNECTORS_STREAM_URL: url.default('http://127.0.0.1:8082'),
  /** Shared secret presented to the connectors' stream endpoint. At least 16 characters. */
  INTERNAL_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Requests per second per connected account (seed 002: 10), shared by all gateway instances through Redis. */
  RATE_LIMIT_PER_SECOND: envPieces.positiveInt(10),
  /** How long a call that runs as a task (a copy into another account) waits for its result before answering 202 with the Task. */
  TASK_SYNC_WAIT_MS: envPieces.positiveInt(30_000),
  /** Requests per second per app on authenticated routes without an account (account creation, webhooks, tasks). */
  RATE_LIMIT_APP_PER_SECOND: envPieces.positiveInt(50),
  /** Failed authentications per client address per minute before that address is refused (429) for the rest of the minute. */
  AUTH_FAILURES_PER_MINUTE: envPieces.positiveInt(30),
  /** Wrong passwords per shared link per minute; past it the link refuses every password (429) for the rest of the minute. */
  LINK_PASSWORD_FAILURES_PER_MINUTE: envPieces.positiveInt(10),
  /** The gateway's address as clients reach it, for the signed upload and download URLs it hands out; empty: the request's own scheme and Host. */
  PUBLIC_URL: z.union([z.literal(''), url]).default(''),
  /** How long a presigned upload URL (and a file's download URL) stays valid (seed 001: 15 minutes). */
  PRESIGNED_URL_TTL_S: envPieces.positiveInt(900),
  /** Largest file a presigned upload accepts, in bytes (file/file-too-large above). */
  PRESIGNED_MAX_BYTES: envPieces.positiveInt(5 * 1024 ** 3),
  /** MIME types a presigned upload accepts, comma separated; `*` matches a whole part (`image/*`). Others are file/invalid-format. */
  PRESIGNED_ALLOWED_TYPES: z.string().default('*/*').transform((v) => v.split(',').map((t) => t.trim()).filter(Boolean)),
  /** Readiness endpoints of the back services, for the aggregated GET /health. */
  AUTH_HEALTH_URL: url.default('http://127.0.0.1:8081/health/ready'),
  CONNECTORS_HEALTH_URL: url.default('http://127.0.0.1:8082/health/ready'),
  TRANSFER_HEALTH_URL: url.default('http://127.0.0.1:8083/health/ready'),
  WEBHOOKS_HEALTH_URL: url.default('http://127.0.0.1:8084/health/ready'),
  ...healthEnv,
};
export type GatewayConfig = ConfigOf<typeof gatewayConfigShape>;

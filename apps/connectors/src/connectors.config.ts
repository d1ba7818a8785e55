import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { credentialsTransportEnv, databaseEnv, envPieces, healthEnv, kafkaEnv, logEnv, OAUTH_SERVICE_NAMES, outboundEnv, type ConfigOf } from '@app/common';

export const connectorsConfigShape = {
  ...logEnv,
  ...kafkaEnv,
  ...databaseEnv,
  ...healthEnv,
  ...outboundEnv,
  ...credentialsTransportEnv,
  /** Health and the internal stream endpoint (gateway ⇄ connectors bytes). */
  HEALTH_PORT: envPieces.port(8082),
  /** Shared secret the gateway presents on the internal stream endpoint. At least 16 characters. */
  INTERNAL_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Every `local` account lives in a folder below this one; nothing outside it can be reached. */
  LOCAL_STORAGE_ROOT: z.string().refine(isAbsolute, 'must be an absolute path'),
  /**
   * API addresses of the OAuth services, per service: `{ "gdrive": { "apiUrl": "…", "uploadUrl": "…" } }`.
   * Empty by default (the services' own addresses); for proxies, sovereign clouds and the test fakes.
   */
  OAUTH_API_URLS_JSON: envPieces.json(z.partialRecord(z.enum(OAUTH_SERVICE_NAMES), z.record(z.string(), z.string().url()))),
  /** Seconds an account's decrypted config and open connector are kept in memory. */
  CONNECTOR_CACHE_TTL_S: envPieces.positiveInt(60),
  /** Preferred part size of multipart sessions, raised when a service's limits need it. */
  MULTIPART_PART_SIZE: envPieces.positiveInt(8 * 1024 * 1024),
  /** Seconds a multipart session lives; then it answers 404 and what it uploaded is removed. */
  MULTIPART_SESSION_TTL_S: envPieces.positiveInt(24 * 3600),
  /** Seconds between sweeps for expired multipart sessions. */
  MULTIPART_SWEEP_INTERVAL_S: envPieces.positiveInt(300),
  /** Seconds between two runs of the change-feed scan (each account watched gets one bounded run per interval). */
  FEED_SCAN_INTERVAL_S: envPieces.positiveInt(60),
  /** Listing pages (of 500 entries) one run may fetch per account; a longer pass goes on at the next run. */
  FEED_SCAN_PAGES_PER_RUN: envPieces.positiveInt(50),
  /** Seconds change-feed events are kept; a cursor from before what was dropped answers 400 invalid_cursor. */
  FEED_RETENTION_S: envPieces.positiveInt(7 * 24 * 3600),
  /** Events kept per account at most (the oldest go first), same consequence for older cursors. */
  FEED_RETENTION_MAX_EVENTS: envPieces.positiveInt(100_000),
};
export type ConnectorsConfig = ConfigOf<typeof connectorsConfigShape>;

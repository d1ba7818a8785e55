import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { Logger } from 'pino';
import { traceIdOf } from '../tracing/traceparent';

/** The request being served, so every log line of it carries its id and its trace id (W3C traceparent). */
export const requestContext = new AsyncLocalStorage<{ requestId: string; traceparent?: string; parentSpanId?: string | null }>();

/** Keys whose values are secrets wherever they appear in a logged object. */
const SECRET_KEYS = [
  'authorization', 'password', 'passphrase', 'secret', 'token', 'api_key', 'apiKey', 'config', 'credentials',
  'secretAccessKey', 'accountKey', 'privateKey', 'connectionString', 'access_token', 'refresh_token', 'KAFKA_SASL_PASSWORD',
];

export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)], censor: '[redacted]' },
    mixin: () => {
      const ctx = requestContext.getStore();
      if (!ctx) return {};
      const traceId = traceIdOf(ctx.traceparent);
      return traceId ? { requestId: ctx.requestId, traceId } : { requestId: ctx.requestId };
    },
  });
}

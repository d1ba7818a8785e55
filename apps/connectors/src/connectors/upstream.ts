import {
  AppError,
  AuthError,
  ConflictError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  QuotaError,
  RateLimitError,
  InvalidParametersError,
  isOutboundRefused,
  UpstreamError,
  upstreamCalls,
} from '@app/common';
import { withRetry } from './retry';

/**
 * The one error wrapper each connector parameterises with its own mapping
 * (a pure function in `<name>.mapper.ts`): every upstream call goes through
 * `call`, so no SDK or protocol error ever leaves a connector.
 */
export interface Upstream {
  /** Runs `fn`; maps whatever it throws. `retry: true` only for calls that can be repeated safely. */
  call<T>(op: string, fn: () => Promise<T>, options?: { retry?: boolean }): Promise<T>;
  /** Maps one error (for errors that arrive on a stream). */
  map(err: unknown, op: string): AppError;
}

export function upstreamFor(service: string, toAppError: (err: unknown, op: string) => AppError): Upstream {
  const map = (err: unknown, op: string): AppError => {
    if (err instanceof AppError) return err;
    const mapped = isOutboundRefused(err) ? refusedAddress(err) : toAppError(err, op);
    // Stable tag for logs: connector.<service>.<op>.error; never the credentials.
    Object.defineProperty(mapped, 'tag', { value: `connector.${service}.${op}.error`, enumerable: false });
    Object.defineProperty(mapped, 'cause', { value: err, enumerable: false });
    return mapped;
  };
  const once = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    try {
      const result = await fn();
      upstreamCalls.inc({ connector: service, operation: op, outcome: 'ok' });
      return result;
    } catch (err) {
      const mapped = map(err, op);
      upstreamCalls.inc({ connector: service, operation: op, outcome: mapped.constructor.name });
      throw mapped;
    }
  };
  return {
    map,
    call: (op, fn, options) => (options?.retry ? withRetry(() => once(op, fn)) : once(op, fn)),
  };
}

/** Common HTTP status mapping for HTTP-based services (S3, Azure, WebDAV); undefined when the status says nothing. */
export function mapHttpStatus(status: number | undefined, message: string, retryAfter?: number): AppError | undefined {
  if (status === undefined) return undefined;
  if (status === 401) return new AuthError();
  if (status === 403) return new PermissionDeniedError();
  if (status === 404) return new NotFoundError();
  if (status === 409 || status === 412) return new ConflictError(message);
  if (status === 416) return new InvalidRangeError();
  if (status === 429) return new RateLimitError(retryAfter);
  if (status === 507) return new QuotaError();
  if (status === 408 || status >= 500) return new UpstreamError(status);
  return undefined;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date). */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/**
 * A connection the outbound address policy refused: the account names (or its
 * name now resolves to) an internal address. Said plainly; it reveals nothing
 * about the target, since no connection was made.
 */
function refusedAddress(err: unknown): AppError {
  let e = err as { message?: string; cause?: unknown; code?: string };
  while (e?.code !== 'EOUTBOUNDREFUSED' && e?.cause) e = e.cause as typeof e;
  const reason = /([^\s]+ resolves to an? [a-z-]+ address \([^)]*\)), which this deployment does not connect to/.exec(String(e?.message ?? ''));
  return new InvalidParametersError(
    `${reason ? reason[1] : 'The service address is internal'}, which this deployment does not connect to (OUTBOUND_ALLOW_NETWORKS).`,
  );
}

import { randomBytes } from 'node:crypto';

/**
 * W3C Trace Context (`traceparent: 00-<trace id>-<parent span id>-<flags>`),
 * carried from the gateway through every Kafka message's meta and internal
 * HTTP call, so one request's log lines can be found in all five services by
 * its trace id.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id of a valid traceparent, else null (all-zero ids are invalid by the spec). */
export function traceIdOf(traceparent: string | undefined | null): string | null {
  const m = TRACEPARENT.exec(traceparent?.trim().toLowerCase() ?? '');
  if (!m || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return null;
  return m[1];
}

/** A child span of `parent` (same trace, new span id), or a new trace when `parent` is absent or invalid. */
export function childTraceparent(parent?: string | null): string {
  const traceId = traceIdOf(parent) ?? randomBytes(16).toString('hex');
  const flags = traceIdOf(parent) ? parent!.trim().slice(-2).toLowerCase() : '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}

/** The span id of a valid traceparent, else null. */
export function spanIdOf(traceparent: string | undefined | null): string | null {
  if (!traceIdOf(traceparent)) return null;
  return traceparent!.trim().toLowerCase().split('-')[2];
}

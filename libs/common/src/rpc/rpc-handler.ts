import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, InternalError, InvalidParametersError } from '../errors';
import { messageMetaSchema, type Contract, type MessageMeta, type Reply } from '../contracts/envelope';
import { requestContext } from '../logging';
import { rpcHandlerDuration, secondsSince } from '../metrics/metrics';
import { spans } from '../tracing/otlp-exporter';
import { childTraceparent, spanIdOf, traceIdOf } from '../tracing/traceparent';

/**
 * Runs a request-reply handler: validates the envelope and the request against
 * the contract before any service code runs, drops requests whose caller has
 * already given up, and turns every failure into the public error shape.
 */
export async function handleRpc<Req extends z.ZodType, Res>(
  contract: Contract<Req, Res>,
  payload: unknown,
  logger: Logger,
  fn: (data: z.output<Req>, meta: MessageMeta) => Promise<Res>,
): Promise<Reply<Res>> {
  const started = process.hrtime.bigint();
  const startedMs = Date.now();
  // Handling is a span of its own, the child of the caller's: calls made from here are its children.
  const incoming = (payload as { meta?: { traceparent?: unknown } } | null)?.meta?.traceparent;
  const caller = typeof incoming === 'string' && traceIdOf(incoming) ? incoming : undefined;
  const own = caller ? childTraceparent(caller) : undefined;
  const reply = await serve(contract, payload, logger, fn, own);
  const outcome = reply.ok ? 'ok' : reply.error.error_code === 'invalid_parameters' ? 'invalid' : reply.error.error_code === 'gateway_timeout' ? 'expired' : 'error';
  const seconds = secondsSince(started);
  rpcHandlerDuration.observe({ topic: contract.topic, outcome }, seconds);
  logger.debug({ topic: contract.topic, outcome, ms: Math.round(seconds * 10000) / 10, traceId: traceIdOf(own) ?? undefined }, 'rpc.request.handled');
  if (own && spans.enabled) {
    spans.record({
      traceId: traceIdOf(own)!, spanId: spanIdOf(own)!, parentSpanId: spanIdOf(caller) ?? undefined,
      name: `handle ${contract.topic}`, kind: 'server', startMs: startedMs, endMs: Date.now(),
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': contract.topic, outcome }, error: outcome === 'error',
    });
  }
  return reply;
}

async function serve<Req extends z.ZodType, Res>(
  contract: Contract<Req, Res>,
  payload: unknown,
  logger: Logger,
  fn: (data: z.output<Req>, meta: MessageMeta) => Promise<Res>,
  traceparent: string | undefined,
): Promise<Reply<Res>> {
  const envelope = (payload ?? {}) as { meta?: unknown; data?: unknown };
  const meta = messageMetaSchema.safeParse(envelope.meta);
  if (!meta.success) {
    return { ok: false, error: new InvalidParametersError(`Malformed message on ${contract.topic}: bad meta.`).toPublic() };
  }
  return requestContext.run({ requestId: meta.data.requestId, traceparent }, async () => {
    if (meta.data.deadline && Date.now() > meta.data.deadline) {
      logger.warn({ topic: contract.topic }, 'rpc.request.expired');
      return { ok: false as const, error: new AppError('gateway_timeout', 'The request expired before it was served.').toPublic() };
    }
    const data = contract.request.safeParse(envelope.data ?? {});
    if (!data.success) {
      return { ok: false as const, error: new InvalidParametersError(describeZodError(data.error)).toPublic(meta.data.requestId) };
    }
    try {
      return { ok: true as const, data: await fn(data.data, traceparent ? { ...meta.data, traceparent } : meta.data) };
    } catch (err) {
      const appError = err instanceof AppError ? err : new InternalError();
      if (!(err instanceof AppError)) logger.error({ err, topic: contract.topic }, 'rpc.handler.error');
      return { ok: false as const, error: appError.toPublic(meta.data.requestId) };
    }
  });
}

/** One line naming each bad field, for invalid_parameters messages. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const field = i.path.map(String).join('.');
      return field ? `${field}: ${i.message}` : i.message;
    })
    .join('; ');
}

import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, InternalError, InvalidParametersError } from '../errors';
import { messageMetaSchema, type Contract, type MessageMeta, type Reply } from '../contracts/envelope';
import { requestContext } from '../logging';

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
  const envelope = (payload ?? {}) as { meta?: unknown; data?: unknown };
  const meta = messageMetaSchema.safeParse(envelope.meta);
  if (!meta.success) {
    return { ok: false, error: new InvalidParametersError(`Malformed message on ${contract.topic}: bad meta.`).toPublic() };
  }
  return requestContext.run({ requestId: meta.data.requestId }, async () => {
    if (meta.data.deadline && Date.now() > meta.data.deadline) {
      logger.warn({ topic: contract.topic }, 'rpc.request.expired');
      return { ok: false as const, error: new AppError('gateway_timeout', 'The request expired before it was served.').toPublic() };
    }
    const data = contract.request.safeParse(envelope.data ?? {});
    if (!data.success) {
      return { ok: false as const, error: new InvalidParametersError(describeZodError(data.error)).toPublic(meta.data.requestId) };
    }
    try {
      return { ok: true as const, data: await fn(data.data, meta.data) };
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

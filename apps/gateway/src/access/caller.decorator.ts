import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidParametersError, requestContext, type MessageMeta } from '@app/common';

/** The message meta of an authenticated app call: who is asking, under which request id. */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): MessageMeta => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const meta: MessageMeta = { requestId: req.requestId, appId: req.caller!.appId };
  // The request's trace, validated and continued by requestIdMiddleware (never the raw header).
  const traceparent = requestContext.getStore()?.traceparent;
  if (traceparent) meta.traceparent = traceparent;
  return meta;
});

/**
 * The `{account_id}` path segment: digits, or `me` (the account of a Bearer
 * token — not valid with an API key, which spans all of the app's accounts).
 * With a Bearer token the AccessGuard has already rewritten `me` to its id.
 */
export const AccountId = createParamDecorator((_: unknown, ctx: ExecutionContext): number => {
  const raw = ctx.switchToHttp().getRequest<Request>().params.accountId;
  if (raw === 'me') throw new InvalidParametersError('"me" needs a Bearer token; with an API key use the numeric account id.');
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2 ** 31 - 1) {
    throw new InvalidParametersError(`account id must be a positive integer, got "${String(raw).slice(0, 32)}".`);
  }
  return Number(raw);
});

/** X-Kloudless-Raw-Data: true|false (python lowercases a bool). */
export const RawData = createParamDecorator((_: unknown, ctx: ExecutionContext): boolean => {
  return (ctx.switchToHttp().getRequest<Request>().header('x-kloudless-raw-data') ?? '').toLowerCase() === 'true';
});

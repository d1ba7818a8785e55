import { z } from 'zod';
import type { PublicError } from '../errors';

/** Who is asking: carried by every request-reply message and every event. */
export const messageMetaSchema = z.object({
  requestId: z.string().min(1),
  appId: z.string().min(1),
  accountId: z.number().int().positive().optional(),
  traceparent: z.string().optional(),
  /** Epoch ms after which the caller has given up; a late request is dropped, not executed. */
  deadline: z.number().int().optional(),
});
export type MessageMeta = z.infer<typeof messageMetaSchema>;

export interface Envelope<T> {
  meta: MessageMeta;
  data: T;
}

export type Reply<T> = { ok: true; data: T } | { ok: false; error: PublicError };

/**
 * A request-reply contract: the topic, how its request is validated, and (as a
 * type) what it replies. Both the caller and the handler import the same value.
 */
export interface Contract<Req extends z.ZodType, Res> {
  readonly topic: string;
  readonly version: 1;
  readonly request: Req;
  /** Type-only marker for the reply; never read at run time. */
  readonly reply?: Res;
}

/** `defineContract<ReplyType>()(topic, requestSchema)`: curried so the schema's type is inferred. */
export function defineContract<Res>() {
  return <Req extends z.ZodType>(topic: string, request: Req): Contract<Req, Res> =>
    Object.freeze({ topic, version: 1 as const, request });
}

export type RequestOf<C> = C extends Contract<infer Req, unknown> ? z.input<Req> : never;
export type ParsedRequestOf<C> = C extends Contract<infer Req, unknown> ? z.output<Req> : never;
export type ReplyOf<C> = C extends Contract<z.ZodType, infer Res> ? Res : never;

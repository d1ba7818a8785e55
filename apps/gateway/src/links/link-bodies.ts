import { z } from 'zod';
import { NotFoundError } from '@app/common';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch ms of an ISO 8601 date or date-time, or NaN; calendar-checked (no 31 February rolling into March). */
export function parseIsoDateTime(value: string): number {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return NaN;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return NaN;
  if (m[7] && m[4] === undefined) return NaN; // a zone needs a time
  const normalized = m[4] === undefined ? `${value}T00:00:00Z` : m[7] ? value : `${value}Z`;
  return Date.parse(normalized.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/**
 * ISO 8601 date-time; one without an offset (python's `isoformat()` of a naive
 * datetime) is read as UTC. Answered in canonical form (`…Z`).
 */
const isoDateTime = z.string().max(64).transform((value, ctx) => {
  const ms = parseIsoDateTime(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time, e.g. 2030-01-31T12:00:00Z' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

/** The link settings a create or PATCH may carry. An empty password means none. */
const settings = {
  direct: z.boolean({ message: 'must be true or false' }).optional(),
  active: z.boolean({ message: 'must be true or false' }).optional(),
  expiration: isoDateTime.nullable().optional(),
  password: z.string({ message: 'must be a string' }).max(1024, 'must be at most 1024 characters').nullable().optional().transform((v) => (v === '' ? null : v)),
};

/** The File Picker sends its `link_options` as an object, or as the JSON text it also puts in query strings. */
const linkOptions = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}, z.object(settings, { message: 'link_options must be an object' }));

export interface LinkSettings {
  direct: boolean;
  active: boolean;
  expiration: string | null;
  password: string | null;
}

/** POST …/storage/links: `{ file_id, direct?, password?, expiration?, active?, link_options? }`; top-level fields win over `link_options`. */
export const createLinkBody = z.object({ file_id: z.string({ message: 'file_id is required' }).min(1, 'file_id is required'), ...settings, link_options: linkOptions.optional() }).transform((body) => {
  const top = Object.fromEntries(Object.entries({ direct: body.direct, active: body.active, expiration: body.expiration, password: body.password }).filter(([, v]) => v !== undefined));
  const merged = { ...body.link_options, ...top };
  const link: LinkSettings = { direct: merged.direct ?? false, active: merged.active ?? true, expiration: merged.expiration ?? null, password: merged.password ?? null };
  return { fileId: body.file_id, ...link };
});
export type CreateLinkBody = z.output<typeof createLinkBody>;

/** PATCH …/storage/links/{id}: `active`, `expiration`, `password` (null or "" removes it); other keys (node sends `file_id`) are ignored. */
export const updateLinkBody = z.object({ active: settings.active, expiration: settings.expiration, password: settings.password });
export type UpdateLinkBody = z.output<typeof updateLinkBody>;

/** Link ids are UUIDs; anything else names no link (404, as for any unknown id). */
export function assertLinkId(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError(`No link with id "${id.slice(0, 64)}".`);
  return id.toLowerCase();
}

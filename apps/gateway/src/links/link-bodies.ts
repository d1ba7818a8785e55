import { z } from 'zod';
import { NotFoundError } from '@app/common';

/**
 * ISO 8601 date-time; one without an offset (python's `isoformat()` of a naive
 * datetime) is read as UTC. Answered in canonical form (`…Z`).
 */
const isoDateTime = z.string().max(64).transform((value, ctx) => {
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const naive = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value);
  const ms = withZone ? Date.parse(value) : naive ? Date.parse(value.includes('T') ? `${value}Z` : `${value}T00:00:00Z`) : NaN;
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

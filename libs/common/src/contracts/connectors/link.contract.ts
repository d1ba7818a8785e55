import { z } from 'zod';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList } from '../public-objects';
import { TOPICS } from '../topics';

/** A shared link to one file (Kloudless Link object, KLOUDLESS-API.md §3). */
export interface PublicLink {
  id: string;
  file_id: string;
  /** The public address: served by the gateway without an API key. */
  url: string;
  account: number;
  active: boolean;
  created: string;
  modified: string;
  expiration: string | null;
  /** Whether the link asks for a password (the password itself is never shown). */
  password: boolean;
  direct: boolean;
  api: 'storage';
  type: 'link';
}

const linkId = z.string().uuid('link id must be a UUID');
/** The gateway's public address (PUBLIC_URL or the request's), for each link's `url`. */
const publicBase = z.string().url().max(2048);
/**
 * scrypt hash made by the gateway (`scrypt$N$r$p$salt$hash`): the password itself
 * never crosses the broker and is never stored.
 */
const passwordHash = z.string().min(1).max(512).regex(/^scrypt\$/, 'passwordHash must be an scrypt hash');
const expiration = z.string().datetime({ offset: true });

export const LinkCreate = defineContract<PublicLink>()(
  TOPICS.connectors.linkCreate,
  z.object({ fileId: z.string().min(1), direct: z.boolean(), active: z.boolean(), expiration: expiration.nullable(), passwordHash: passwordHash.nullable(), publicBase }),
);
export const LinkList = defineContract<ObjectList<PublicLink>>()(TOPICS.connectors.linkList, pagingSchema.extend({ active: z.boolean().optional(), publicBase }));
export const LinkGet = defineContract<PublicLink>()(TOPICS.connectors.linkGet, z.object({ id: linkId, publicBase }));
/** Omitted fields stay; `null` clears an expiration or a password. */
export const LinkUpdate = defineContract<PublicLink>()(
  TOPICS.connectors.linkUpdate,
  z.object({ id: linkId, active: z.boolean().optional(), expiration: expiration.nullable().optional(), passwordHash: passwordHash.nullable().optional(), publicBase }),
);
export const LinkDelete = defineContract<{ deleted: true }>()(TOPICS.connectors.linkDelete, z.object({ id: linkId }));

/** What the gateway needs to serve a link's public URL. */
export interface ResolvedLink {
  id: string;
  appId: string;
  accountId: number;
  fileId: string;
  direct: boolean;
  /** The scrypt hash to check a given password against, or null when the link has none. */
  passwordHash: string | null;
}

/**
 * A public URL's link, by the SHA-256 (hex) of its token (the lookup key: the
 * token itself is stored only sealed). Unknown or inactive → 404, expired →
 * 403. No app in the meta: the token is the only credential.
 */
export const LinkResolve = defineContract<ResolvedLink>()(TOPICS.connectors.linkResolve, z.object({ tokenDigest: z.string().regex(/^[0-9a-f]{64}$/, 'tokenDigest must be a SHA-256 in hex') }));

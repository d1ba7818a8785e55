import { createHash, randomBytes } from 'node:crypto';

/** A shared link's token: 256 random bits, URL-safe (43 characters), unrelated to the link's id. */
export function generateLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What a link token looks like; anything else is not worth a lookup. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 (hex) of a link token: the key links are found by. A fast hash is enough for 256 random bits. */
export function digestLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

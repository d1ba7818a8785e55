import { createHash, randomBytes } from 'node:crypto';

/** A new Bearer token: 256 random bits, URL-safe. Shown once to the app; only its digest is stored. */
export function generateBearerToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 (hex) of a Bearer token. Tokens are 256-bit random values, so a fast
 * hash is enough (nothing to guess from) and a lookup is one indexed query.
 * The gateway sends this digest to auth, so tokens never cross the broker.
 */
export function digestBearerToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

import { createHash, randomBytes } from 'node:crypto';

/** A new API key: 256 random bits, URL-safe. Shown once; only its digest is kept. */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

export function generateAppId(): string {
  return `app_${randomBytes(12).toString('base64url')}`;
}

export function digestKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

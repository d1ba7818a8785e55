import { createHmac, hkdfSync } from 'node:crypto';
import { secretsEqual } from '@app/common';

export interface UrlGrant {
  /** The app the file belongs to. */
  appId: string;
  /** The presigned-upload record. */
  fileId: string;
  method: 'PUT' | 'GET';
  /** Unix seconds. */
  expires: number;
}

/**
 * Stateless signed URLs for the presigned-upload API on services that cannot
 * sign their own (everything but S3): `<payload>.<hmac>` in base64url. The key
 * is derived from INTERNAL_TOKEN, which every gateway instance shares, so any
 * instance verifies any other's URLs; rotating INTERNAL_TOKEN voids them all.
 */
export class SignedUrls {
  private readonly key: Buffer;

  constructor(internalToken: string) {
    this.key = Buffer.from(hkdfSync('sha256', internalToken, 'unified-storage', 'gateway signed file urls', 32));
  }

  sign(grant: UrlGrant): string {
    const payload = Buffer.from(JSON.stringify([grant.appId, grant.fileId, grant.method, grant.expires])).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The grant, or null for a token that is malformed, forged, for another method or expired. */
  verify(token: string, method: UrlGrant['method'], now = Date.now()): UrlGrant | null {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined || !secretsEqual(mac, this.mac(payload))) return null;
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!Array.isArray(fields) || fields.length !== 4) return null;
    const [appId, fileId, signedMethod, expires] = fields as [unknown, unknown, unknown, unknown];
    if (typeof appId !== 'string' || typeof fileId !== 'string' || signedMethod !== method || typeof expires !== 'number') return null;
    if (expires * 1000 < now) return null;
    return { appId, fileId, method, expires };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

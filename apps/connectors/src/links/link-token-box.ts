import { hkdfSync } from 'node:crypto';
import { SecretBox } from '@app/common';

/**
 * Seals link tokens at rest, so a copy of the table alone opens no link. The
 * key is derived from CREDENTIALS_TRANSPORT_KEY (a secret only connectors and
 * auth hold) under its own label, so it is never the transport key itself.
 */
export class LinkTokenBox {
  private readonly box: SecretBox;

  constructor(credentialsTransportKey: string) {
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(credentialsTransportKey, 'base64'), 'unified-storage', 'connectors link tokens', 32));
    this.box = new SecretBox(key.toString('base64'));
  }

  seal(token: string): string {
    return this.box.seal(token);
  }

  open(sealed: string): string {
    return this.box.open<string>(sealed);
  }
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts credentials at rest with AES-256-GCM. Stored form:
 * `v2:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts); the key id (8 hex of the
 * key's SHA-256) names the key that sealed it, so ENCRYPTION_KEY can rotate:
 * values are sealed with the current key and opened with whichever key sealed
 * them, the current one or one of ENCRYPTION_KEYS_PREVIOUS. Values written
 * before key ids (`v1:<iv>:<tag>:<ciphertext>`) are tried with every key.
 */
export class SecretBox {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  constructor(base64Key: string, previousBase64Keys: string[] = []) {
    this.current = keyOf(base64Key);
    for (const k of [base64Key, ...previousBase64Keys]) {
      const { id, key } = keyOf(k);
      if (!this.keys.has(id)) this.keys.set(id, key);
    }
  }

  /** Id of the key new values are sealed with. */
  get keyId(): string {
    return this.current.id;
  }

  /** The id of the key a sealed value names (`null` for a v1 value, which names none). */
  static keyIdOf(sealed: string): string | null {
    return sealed.startsWith('v2:') ? sealed.split(':')[1] : null;
  }

  seal(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v2', this.current.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  open<T = unknown>(sealed: string): T {
    const parts = sealed.split(':');
    if (parts[0] === 'v2' && parts.length === 5) {
      const key = this.keys.get(parts[1]);
      if (!key) throw new Error(`Sealed with an unknown key (id ${parts[1]}): add it to ENCRYPTION_KEYS_PREVIOUS`);
      return decrypt<T>(key, parts[2], parts[3], parts[4]);
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      for (const key of this.keys.values()) {
        try {
          return decrypt<T>(key, parts[1], parts[2], parts[3]);
        } catch {
          // not this key; try the next
        }
      }
      throw new Error('No configured key opens this value');
    }
    throw new Error('Unknown sealed format');
  }
}

function keyOf(base64Key: string): { id: string; key: Buffer } {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

function decrypt<T>(key: Buffer, iv: string, tag: string, ciphertext: string): T {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as T;
}

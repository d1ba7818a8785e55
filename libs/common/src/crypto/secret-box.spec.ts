import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('round-trips a value and never stores it in clear', () => {
    const sealed = box.seal({ password: 'hunter2' });
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toEqual({ password: 'hunter2' });
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('refuses a tampered ciphertext', () => {
    const parts = box.seal({ a: 1 }).split(':');
    parts[4] = Buffer.from('{"a":2}').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
  });

  it('refuses a value sealed with another key', () => {
    const other = new SecretBox(randomBytes(32).toString('base64'));
    expect(() => other.open(box.seal('x'))).toThrow();
  });

  describe('key rotation', () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const before = new SecretBox(oldKey);
    const after = new SecretBox(newKey, [oldKey]);

    it('stores the id of the sealing key with each value', () => {
      expect(SecretBox.keyIdOf(before.seal('x'))).toBe(before.keyId);
      expect(after.keyId).not.toBe(before.keyId);
    });

    it('keeps old values readable and seals new ones with the new key', () => {
      const old = before.seal({ token: 'a' });
      expect(after.open(old)).toEqual({ token: 'a' });
      const fresh = after.seal({ token: 'b' });
      expect(SecretBox.keyIdOf(fresh)).toBe(after.keyId);
      expect(() => before.open(fresh)).toThrow(/unknown key/);
      expect(new SecretBox(newKey).open(fresh)).toEqual({ token: 'b' });
    });

    it('reads values sealed before key ids existed (v1) with any configured key', () => {
      const key = Buffer.from(oldKey, 'base64');
      const { createCipheriv } = require('node:crypto') as typeof import('node:crypto');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(JSON.stringify('legacy'), 'utf8'), cipher.final()]);
      const v1 = ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
      expect(after.open(v1)).toBe('legacy');
      expect(() => new SecretBox(newKey).open(v1)).toThrow();
    });
  });
});

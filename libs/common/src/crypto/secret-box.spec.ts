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
    parts[3] = Buffer.from('{"a":2}').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
  });

  it('refuses a value sealed with another key', () => {
    const other = new SecretBox(randomBytes(32).toString('base64'));
    expect(() => other.open(box.seal('x'))).toThrow();
  });
});

import { randomBytes } from 'node:crypto';
import { SealedColumn } from './sealed-column';
import { SecretBox } from './secret-box';

describe('SealedColumn', () => {
  it('stores a sealed value and reads back the plain one', () => {
    const column = new SealedColumn();
    column.use(new SecretBox(randomBytes(32).toString('base64')));
    const stored = column.to('whsec_abc')!;
    expect(stored).not.toContain('whsec_abc');
    expect(stored.startsWith('v2:')).toBe(true);
    expect(column.from(stored)).toBe('whsec_abc');
  });

  it('passes null through and reads a row written before sealing as it is', () => {
    const column = new SealedColumn();
    column.use(new SecretBox(randomBytes(32).toString('base64')));
    expect(column.to(null)).toBeNull();
    expect(column.from('whsec_legacy')).toBe('whsec_legacy');
  });

  it('refuses to work before it has a key', () => {
    expect(() => new SealedColumn().to('x')).toThrow(/key/);
  });
});

import { hashLinkPassword, linkPasswordMatches } from './link-password';

describe('link passwords', () => {
  it('keeps only a salted scrypt hash, which matches its password and no other', async () => {
    const hash = await hashLinkPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain('correct');
    expect(await linkPasswordMatches('correct horse', hash)).toBe(true);
    expect(await linkPasswordMatches('correct horse ', hash)).toBe(false);
    expect(await linkPasswordMatches('', hash)).toBe(false);
  });

  it('salts every hash: the same password twice gives two hashes', async () => {
    expect(await hashLinkPassword('same')).not.toBe(await hashLinkPassword('same'));
  });

  it('refuses malformed or extravagant stored values instead of computing them', async () => {
    const hash = await hashLinkPassword('pw');
    const parts = hash.split('$');
    expect(await linkPasswordMatches('pw', 'plain text')).toBe(false);
    expect(await linkPasswordMatches('pw', ['bcrypt', ...parts.slice(1)].join('$'))).toBe(false);
    expect(await linkPasswordMatches('pw', [parts[0], 2 ** 22, ...parts.slice(2)].join('$'))).toBe(false);
    expect(await linkPasswordMatches('pw', [...parts.slice(0, 5), 'c2hvcnQ'].join('$'))).toBe(false);
  });
});

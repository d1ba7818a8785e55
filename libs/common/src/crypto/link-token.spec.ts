import { digestLinkToken, generateLinkToken, LINK_TOKEN_PATTERN } from './link-token';

describe('link tokens', () => {
  it('are 32 random bytes, URL-safe, never the same twice', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateLinkToken));
    expect(tokens.size).toBe(100);
    for (const t of tokens) {
      expect(t).toMatch(LINK_TOKEN_PATTERN);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    }
  });

  it('are found by their SHA-256 in hex', () => {
    expect(digestLinkToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

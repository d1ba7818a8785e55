import { randomBytes } from 'node:crypto';
import { generateLinkToken, SecretBox } from '@app/common';
import { LinkTokenBox } from './link-token-box';

describe('LinkTokenBox', () => {
  const key = randomBytes(32).toString('base64');

  it('seals a token so that the stored value does not show it, and opens it again', () => {
    const box = new LinkTokenBox(key);
    const token = generateLinkToken();
    const sealed = box.seal(token);
    expect(sealed).not.toContain(token);
    expect(new LinkTokenBox(key).open(sealed)).toBe(token);
  });

  it('uses a key of its own, not the transport key itself', () => {
    const sealed = new LinkTokenBox(key).seal(generateLinkToken());
    expect(() => new SecretBox(key).open(sealed)).toThrow();
    expect(() => new LinkTokenBox(randomBytes(32).toString('base64')).open(sealed)).toThrow();
  });
});

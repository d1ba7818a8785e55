import { parseAuthorization } from './access.guard';

describe('parseAuthorization', () => {
  it.each(['APIKey', 'ApiKey', 'apikey', 'APIKEY'])('reads the %s scheme case-insensitively', (scheme) => {
    expect(parseAuthorization(`${scheme} abc123`)).toEqual({ scheme: 'apikey', credential: 'abc123' });
  });

  it('reads Bearer tokens', () => {
    expect(parseAuthorization('Bearer tok')).toEqual({ scheme: 'bearer', credential: 'tok' });
  });

  it.each([undefined, '', 'APIKey', 'APIKey a b', 'abc'])('refuses %j', (header) => {
    expect(parseAuthorization(header)).toBeNull();
  });
});

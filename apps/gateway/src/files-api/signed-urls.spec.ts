import { SignedUrls } from './signed-urls';

describe('SignedUrls', () => {
  const urls = new SignedUrls('an-internal-token-of-enough-length');
  const grant = { appId: 'app-1', fileId: '7f1c2a9e-0000-4000-8000-000000000001', method: 'PUT' as const, expires: Math.floor(Date.now() / 1000) + 60 };

  it('verifies what it signed, for that method only', () => {
    const token = urls.sign(grant);
    expect(urls.verify(token, 'PUT')).toEqual(grant);
    expect(urls.verify(token, 'GET')).toBeNull();
  });

  it('refuses expired, altered and foreign tokens', () => {
    expect(urls.verify(urls.sign({ ...grant, expires: Math.floor(Date.now() / 1000) - 1 }), 'PUT')).toBeNull();
    const [payload, mac] = urls.sign(grant).split('.');
    const other = Buffer.from(JSON.stringify(['app-2', grant.fileId, 'PUT', grant.expires])).toString('base64url');
    expect(urls.verify(`${other}.${mac}`, 'PUT')).toBeNull();
    expect(urls.verify(`${payload}.${mac}x`, 'PUT')).toBeNull();
    expect(urls.verify(new SignedUrls('another-internal-token-entirely').sign(grant), 'PUT')).toBeNull();
    expect(urls.verify('garbage', 'PUT')).toBeNull();
  });
});

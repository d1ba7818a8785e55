import { checkUrlShape, classifyAddress, resolveSafely, UrlRefusedError } from './url-safety';

const fakeDns = (answers: Record<string, string[]>) => async (host: string) => {
  const list = answers[host];
  if (!list) throw new Error('ENOTFOUND');
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('receiver URL safety', () => {
  it('accepts only http and https', () => {
    expect(checkUrlShape('https://example.com/hook').hostname).toBe('example.com');
    expect(checkUrlShape('http://example.com:8080/x?y=1').port).toBe('8080');
    for (const bad of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://x/', 'javascript:alert(1)', 'not a url']) {
      expect(() => checkUrlShape(bad)).toThrow(UrlRefusedError);
    }
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.5.6.7', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['2606:4700::1111', 'public'],
  ])('classifies %s as %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it('refuses a name resolving to a private address, after DNS resolution', async () => {
    const dns = fakeDns({ 'internal.example': ['10.0.0.5'], 'public.example': ['93.184.216.34'] });
    await expect(resolveSafely('internal.example', [], dns)).rejects.toThrow(/private address/);
    await expect(resolveSafely('public.example', [], dns)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('refuses a name whose answers mix public and private addresses', async () => {
    const dns = fakeDns({ 'mixed.example': ['93.184.216.34', '127.0.0.1'] });
    await expect(resolveSafely('mixed.example', [], dns)).rejects.toThrow(UrlRefusedError);
  });

  it('refuses literal loopback, link-local (cloud metadata) and IPv6 loopback hosts by default', async () => {
    await expect(resolveSafely('127.0.0.1', [])).rejects.toThrow(/loopback/);
    await expect(resolveSafely('169.254.169.254', [])).rejects.toThrow(/link-local/);
    await expect(resolveSafely('[::1]', [])).rejects.toThrow(/loopback/);
  });

  it('allows exactly the ranges configuration allows', async () => {
    await expect(resolveSafely('127.0.0.1', ['loopback'])).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    await expect(resolveSafely('10.0.0.1', ['loopback'])).rejects.toThrow(/private/);
    await expect(resolveSafely('224.0.0.1', ['loopback', 'private', 'link_local'])).rejects.toThrow(/reserved/);
  });

  it('reports a name that does not resolve', async () => {
    await expect(resolveSafely('nowhere.example', [], fakeDns({}))).rejects.toThrow(/could not be resolved/);
  });
});

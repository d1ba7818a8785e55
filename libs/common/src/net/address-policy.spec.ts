import { createServer, type Server } from 'node:http';
import { classifyAddress, embeddedIPv4, OutboundPolicy, OutboundRefusedError } from './address-policy';
import { guardedAgents } from './guarded-connections';

describe('outbound address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['0.0.0.0', 'loopback'], ['::1', 'loopback'], ['::', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['192.168.1.1', 'private'], ['100.100.100.200', 'private'],
    ['fc00::1', 'private'], ['fd00:ec2::254', 'private'],
    ['169.254.169.254', 'link_local'], ['fe80::1', 'link_local'],
    ['224.0.0.1', 'reserved'], ['255.255.255.255', 'reserved'], ['2001:db8::1', 'reserved'], ['ff02::1', 'reserved'], ['2001:0:4136:e378::1', 'reserved'],
    ['8.8.8.8', 'public'], ['2606:4700:4700::1111', 'public'],
  ])('classifies %s as %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'], ['::ffff:7f00:1', '127.0.0.1'], ['0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254'],
    ['::127.0.0.1', '127.0.0.1'], ['::a00:1', '10.0.0.1'],
    ['64:ff9b::7f00:1', '127.0.0.1'], ['64:ff9b::169.254.169.254', '169.254.169.254'],
    ['2002:7f00:1::', '127.0.0.1'], ['2002:a9fe:a9fe::1', '169.254.169.254'],
  ])('sees the IPv4 address %s carries (%s) and classifies by it', (address, v4) => {
    expect(embeddedIPv4(address)).toBe(v4);
    expect(classifyAddress(address)).not.toBe('public');
  });

  it('refuses everything but public addresses by default, naming the kind of address', () => {
    const policy = new OutboundPolicy();
    expect(policy.isAllowed('93.184.216.34')).toBe(true);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '10.0.0.1', '169.254.169.254', '64:ff9b::a9fe:a9fe', 'not-an-ip']) expect(policy.isAllowed(a)).toBe(false);
    expect(() => policy.check('169.254.169.254', 'metadata.internal')).toThrow(/metadata.internal resolves to a link-local address/);
  });

  it('allows what the operator lists: classes or CIDR ranges, never reserved addresses', () => {
    const loop = OutboundPolicy.parse('loopback');
    expect(loop.isAllowed('127.0.0.2')).toBe(true);
    expect(loop.isAllowed('10.0.0.1')).toBe(false);
    const one = OutboundPolicy.parse('127.0.0.1/32, 10.0.0.0/8');
    expect(one.isAllowed('127.0.0.1')).toBe(true);
    expect(one.isAllowed('127.0.0.2')).toBe(false);
    expect(one.isAllowed('10.9.9.9')).toBe(true);
    expect(OutboundPolicy.parse('224.0.0.0/4').isAllowed('224.0.0.1')).toBe(false);
    expect(() => OutboundPolicy.parse('everything')).toThrow(/neither a network class/);
    expect(() => OutboundPolicy.parse('10.0.0.0/33')).toThrow();
  });

  it('resolves names and refuses one that points at a refused address', async () => {
    await expect(new OutboundPolicy().resolve('localhost')).rejects.toThrow(OutboundRefusedError);
    await expect(OutboundPolicy.parse('loopback').resolve('localhost')).resolves.toMatchObject({ address: expect.stringMatching(/^(127\.|::1)/) });
    await expect(new OutboundPolicy().resolve('[::1]')).rejects.toThrow(OutboundRefusedError);
  });

  describe('guarded agents (checked on the connected socket)', () => {
    let server: Server;
    let hits = 0;
    let port = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => { hits++; res.end('secret'); });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => server.close());

    const get = (url: string, agent: import('node:http').Agent) =>
      new Promise<string>((resolve, reject) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('node:http').get(url, { agent }, (res: import('node:http').IncomingMessage) => {
          let body = '';
          res.on('data', (c) => (body += c)).on('end', () => resolve(body));
        }).on('error', reject);
      });

    it('refuses an IP literal and a name that resolve to loopback, sending nothing', async () => {
      const { httpAgent } = guardedAgents(new OutboundPolicy(), { keepAlive: false });
      await expect(get(`http://127.0.0.1:${port}/`, httpAgent)).rejects.toThrow(OutboundRefusedError);
      await expect(get(`http://localhost:${port}/`, httpAgent)).rejects.toThrow(OutboundRefusedError);
      await expect(get(`http://[::ffff:127.0.0.1]:${port}/`, httpAgent)).rejects.toThrow(OutboundRefusedError);
      expect(hits).toBe(0);
    });

    it('connects where the operator allows it', async () => {
      const { httpAgent } = guardedAgents(OutboundPolicy.parse('127.0.0.1/32'), { keepAlive: false });
      await expect(get(`http://127.0.0.1:${port}/`, httpAgent)).resolves.toBe('secret');
    });
  });
});

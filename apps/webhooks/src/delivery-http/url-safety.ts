import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Receiver URL safety: only http(s), and the address actually connected to
 * (after DNS resolution) must be public unless configuration allows its range.
 * Multicast and reserved ranges are never allowed.
 */
export const NETWORK_CLASSES = ['loopback', 'private', 'link_local'] as const;
export type NetworkClass = (typeof NETWORK_CLASSES)[number];
type AddressClass = NetworkClass | 'reserved' | 'public';

function list(v4: string[], v6: string[]): BlockList {
  const b = new BlockList();
  for (const s of v4) { const [net, bits] = s.split('/'); b.addSubnet(net, Number(bits), 'ipv4'); }
  for (const s of v6) { const [net, bits] = s.split('/'); b.addSubnet(net, Number(bits), 'ipv6'); }
  return b;
}

// 0.0.0.0 and :: reach the local host on Linux: they count as loopback.
const RANGES: Array<[AddressClass, BlockList]> = [
  ['loopback', list(['127.0.0.0/8', '0.0.0.0/8'], ['::1/128', '::/128'])],
  ['private', list(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'], ['fc00::/7'])],
  ['link_local', list(['169.254.0.0/16'], ['fe80::/10'])],
  ['reserved', list(['224.0.0.0/4', '240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'], ['ff00::/8', '2001:db8::/32', '64:ff9b::/96', '100::/64'])],
];

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` are IPv4 addresses in disguise. */
export function unmapIPv4(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return address;
}

export function classifyAddress(raw: string): AddressClass {
  const address = unmapIPv4(raw);
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [cls, blocks] of RANGES) if (blocks.check(address, type)) return cls;
  return 'public';
}

export class UrlRefusedError extends Error {}

/** Throws UrlRefusedError unless the URL is http(s) with a host. Returns the parsed URL. */
export function checkUrlShape(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UrlRefusedError('the URL is not valid');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UrlRefusedError(`only http and https URLs are allowed, not ${u.protocol.replace(':', '')}`);
  if (!u.hostname) throw new UrlRefusedError('the URL has no host');
  return u;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host and returns the address to connect to. Every
 * address the name resolves to must be allowed (a name that mixes public and
 * private answers is refused), so what is checked is what is connected to.
 */
export async function resolveSafely(
  hostname: string,
  allow: readonly NetworkClass[],
  resolve: (host: string) => Promise<Array<{ address: string; family: number }>> = (h) => lookup(h, { all: true, verbatim: true }),
): Promise<ResolvedAddress> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  let answers: Array<{ address: string; family: number }>;
  if (isIP(host)) {
    answers = [{ address: host, family: isIP(host) }];
  } else {
    try {
      answers = await resolve(host);
    } catch {
      throw new UrlRefusedError(`the host ${host} could not be resolved`);
    }
    if (answers.length === 0) throw new UrlRefusedError(`the host ${host} could not be resolved`);
  }
  for (const a of answers) {
    const cls = classifyAddress(a.address);
    if (cls === 'public') continue;
    if (cls === 'reserved' || !allow.includes(cls)) {
      throw new UrlRefusedError(`${host} resolves to ${a.address}, a ${cls.replace('_', '-')} address, which receivers may not use`);
    }
  }
  const first = answers[0];
  const address = unmapIPv4(first.address);
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

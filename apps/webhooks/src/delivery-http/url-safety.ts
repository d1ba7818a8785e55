import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress, embeddedIPv4, NETWORK_CLASSES, type NetworkClass } from '@app/common';

/**
 * Receiver URL safety: only http(s), and the address actually connected to
 * (after DNS resolution) must be public unless configuration allows its range.
 * Multicast and reserved ranges are never allowed. Addresses are classified by
 * libs/common's one outbound address policy (IPv6 spellings that embed an IPv4
 * address count as that address).
 */
export { classifyAddress, NETWORK_CLASSES, type NetworkClass };

/** `::ffff:127.0.0.1`, `::ffff:7f00:1`, NAT64 and 6to4 spellings are IPv4 addresses in disguise. */
export function unmapIPv4(address: string): string {
  return embeddedIPv4(address) ?? address;
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

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * The one outbound address policy: every connection a user can aim (webhook
 * URLs, connector endpoints and hosts, upload from URL) goes to a public
 * address unless an operator allows a class or a CIDR range. Addresses are
 * checked after DNS resolution and again on the connected socket (see
 * guarded-connections.ts), so neither an IP spelling nor DNS rebinding helps.
 */
export const NETWORK_CLASSES = ['loopback', 'private', 'link_local'] as const;
export type NetworkClass = (typeof NETWORK_CLASSES)[number];
export type AddressClass = NetworkClass | 'reserved' | 'public';

function blocks(v4: string[], v6: string[]): BlockList {
  const b = new BlockList();
  for (const s of v4) { const [net, bits] = s.split('/'); b.addSubnet(net, Number(bits), 'ipv4'); }
  for (const s of v6) { const [net, bits] = s.split('/'); b.addSubnet(net, Number(bits), 'ipv6'); }
  return b;
}

// 0.0.0.0 and :: reach the local host on Linux: they count as loopback. Cloud metadata
// endpoints sit in these ranges too: 169.254.169.254 (link-local), fd00:ec2::254 (unique
// local), 100.100.100.200 (shared address space).
const RANGES: Array<[AddressClass, BlockList]> = [
  ['loopback', blocks(['127.0.0.0/8', '0.0.0.0/8'], ['::1/128', '::/128'])],
  ['private', blocks(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'], ['fc00::/7'])],
  ['link_local', blocks(['169.254.0.0/16'], ['fe80::/10'])],
  ['reserved', blocks(
    ['224.0.0.0/4', '240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'],
    ['ff00::/8', '2001:db8::/32', '100::/64', '2001::/32', 'fec0::/10'],
  )],
];

function hexPairToIPv4(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Expands an IPv6 address to its eight 16-bit groups (handles `::` and a dotted IPv4 tail). */
function groupsOf(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const p = dotted[1].split('.').map(Number);
    if (p.some((n) => n > 255)) return null;
    text = text.slice(0, -dotted[1].length) + `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  const all = [...h, ...Array(Math.max(fill, 0)).fill('0'), ...t];
  if (all.length !== 8) return null;
  return all.map((g) => parseInt(g, 16));
}

/**
 * The IPv4 address an IPv6 address carries, for every spelling that routes to
 * it: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
 * (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::/16). Null when there is none.
 */
export function embeddedIPv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const g = groupsOf(address);
  if (!g) return null;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return hexPairToIPv4(g[6], g[7]); // mapped
  if (zeros(0, 6) && (g[6] !== 0 || g[7] > 1)) return hexPairToIPv4(g[6], g[7]); // compatible (not :: or ::1)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return hexPairToIPv4(g[6], g[7]); // NAT64
  if (g[0] === 0x2002) return hexPairToIPv4(g[1], g[2]); // 6to4
  return null;
}

export function classifyAddress(raw: string): AddressClass {
  const address = embeddedIPv4(raw) ?? raw.split('%')[0];
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [cls, list] of RANGES) if (list.check(address, type)) return cls;
  return 'public';
}

/** A connection the policy refused. `code` survives the wrapping HTTP clients do (node-fetch, Azure's RestError copy it). */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
}

/** Whether `err`, or an error it wraps, is a refusal by the outbound policy. */
export function isOutboundRefused(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof OutboundRefusedError || e.code === 'EOUTBOUNDREFUSED') return true;
  }
  return false;
}

/** What an operator allows beyond public addresses: classes (`loopback`, `private`, `link_local`) and CIDR ranges. */
export class OutboundPolicy {
  private readonly classes: ReadonlySet<NetworkClass>;
  private readonly ranges = new BlockList();

  constructor(allow: readonly string[] = []) {
    const classes = new Set<NetworkClass>();
    for (const item of allow.map((a) => a.trim()).filter(Boolean)) {
      if ((NETWORK_CLASSES as readonly string[]).includes(item)) {
        classes.add(item as NetworkClass);
        continue;
      }
      const [net, bits] = item.split('/');
      const family = isIP(net);
      const prefix = Number(bits ?? (family === 4 ? 32 : 128));
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
        throw new Error(`"${item}" is neither a network class (${NETWORK_CLASSES.join(', ')}) nor a CIDR range`);
      }
      this.ranges.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
    this.classes = classes;
  }

  /** Parses `loopback,10.0.0.0/8` (config). @throws Error naming the bad item */
  static parse(list: string | undefined): OutboundPolicy {
    return new OutboundPolicy((list ?? '').split(','));
  }

  isAllowed(raw: string): boolean {
    const address = embeddedIPv4(raw) ?? raw.split('%')[0];
    const family = isIP(address);
    if (family === 0) return false;
    const cls = classifyAddress(address);
    if (cls === 'public') return true;
    if (cls === 'reserved') return false;
    return this.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6') || this.classes.has(cls);
  }

  /** @throws OutboundRefusedError saying which kind of address was refused (nothing about the target beyond that). */
  check(address: string, host = address): void {
    if (this.isAllowed(address)) return;
    const cls = classifyAddress(address);
    throw new OutboundRefusedError(`${host} resolves to a ${cls.replace('_', '-')} address (${address}), which this deployment does not connect to.`);
  }

  /**
   * A `lookup` for net/http/tls: resolves the name, and fails unless every
   * answer is allowed (a name that mixes public and private answers is refused).
   */
  readonly lookup = (
    hostname: string,
    options: { all?: boolean; family?: number } | number,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const wantAll = typeof options === 'object' && options.all === true;
    dnsLookup(hostname, { all: true, verbatim: true }, (err, answers) => {
      if (err) return callback(err, wantAll ? [] : '', 0);
      try {
        if (answers.length === 0) throw new OutboundRefusedError(`${hostname} could not be resolved.`);
        for (const a of answers) this.check(a.address, hostname);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, wantAll ? [] : '', 0);
      }
      if (wantAll) return callback(null, answers);
      callback(null, answers[0].address, answers[0].family);
    });
  };

  /** Resolves `host` and returns one checked address to connect to (for clients that take an IP). */
  async resolve(host: string): Promise<{ address: string; family: 4 | 6 }> {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare)) {
      this.check(bare);
      return { address: bare, family: isIP(bare) === 6 ? 6 : 4 };
    }
    return new Promise((resolve, reject) =>
      this.lookup(bare, { all: false }, (err, address, family) => (err ? reject(err) : resolve({ address: address as string, family: family === 6 ? 6 : 4 }))),
    );
  }
}

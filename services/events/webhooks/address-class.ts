import { BlockList, isIP } from 'node:net';
import type { WebhookAllowLevel } from '../../core/webhook-settings.js';

/** What kind of destination an IP address is, for the webhook SSRF guard. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'multicast' | 'unspecified' | 'reserved';

function list(ranges: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const b = new BlockList();
  for (const [net, prefix, type] of ranges) b.addSubnet(net, prefix, type);
  return b;
}

// Order matters only for readability: the ranges do not overlap across classes.
const CLASSES: [AddressClass, BlockList][] = [
  ['unspecified', list([['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']])],
  ['loopback', list([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])],
  // RFC 1918, CGNAT (RFC 6598, shared with the provider's other customers) and IPv6 unique-local.
  ['private', list([['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['fc00::', 7, 'ipv6']])],
  // 169.254.169.254 is the cloud metadata service: the classic SSRF target.
  ['link-local', list([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']])],
  ['multicast', list([['224.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']])],
  // IETF protocol assignments, benchmarking, documentation, 240/4 and broadcast, discard-only, documentation v6.
  [
    'reserved',
    list([
      ['192.0.0.0', 24, 'ipv4'], ['192.0.2.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], ['100::', 64, 'ipv6'], ['2001:db8::', 32, 'ipv6'],
    ]),
  ],
];

/** Eight 16-bit groups of an IPv6 address (with an embedded dotted quad folded in). */
function groups(v6: string): number[] | undefined {
  let text = v6.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const p = quad[1]!.split('.').map(Number);
    text = text.slice(0, -quad[1]!.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  const all = [...h, ...fill, ...t].map((g) => parseInt(g, 16));
  return all.length === 8 && all.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) ? all : undefined;
}

const quadOf = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');

/** The network-specific NAT64 prefix (RFC 8215): what it translates to is the operator's choice. */
const NAT64_LOCAL = list([['64:ff9b:1::', 48, 'ipv6']]);

/**
 * The IPv4 addresses an IPv6 one carries and may reach, the destination first:
 * IPv4-mapped (`::ffff:a.b.c.d`), IPv4-translated (SIIT, `::ffff:0:a.b.c.d`), the deprecated
 * IPv4-compatible form (`::a.b.c.d`), the NAT64 well-known prefix (`64:ff9b::/96`), 6to4
 * (`2002:AABB:CCDD::/48`, the address in groups 1-2) and Teredo (`2001:0::/32`: the client,
 * obfuscated by XOR, in groups 6-7 and the server in groups 2-3). Every one of them can lead a
 * packet to the embedded IPv4 address, so each is checked as that address.
 */
export function embeddedIPv4s(v6: string): string[] {
  const g = groups(v6);
  if (!g) return [];
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return [quadOf(g[6]!, g[7]!)];
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return [quadOf(g[6]!, g[7]!)];
  if (zeros(0, 6) && (g[6]! !== 0 || g[7]! > 1)) return [quadOf(g[6]!, g[7]!)];
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return [quadOf(g[6]!, g[7]!)];
  if (g[0] === 0x2002) return [quadOf(g[1]!, g[2]!)];
  if (g[0] === 0x2001 && g[1] === 0) return [quadOf(g[6]! ^ 0xffff, g[7]! ^ 0xffff), quadOf(g[2]!, g[3]!)];
  return [];
}

/** The IPv4 address an IPv6 one reaches (see embeddedIPv4s), if it embeds one. */
export function embeddedIPv4(v6: string): string | undefined {
  return embeddedIPv4s(v6)[0];
}

/** Classifies an IP literal (v4 or v6, brackets allowed); anything that is not one is `reserved`. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const plain = bare.replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 0) return 'reserved';
  if (family === 6) {
    if (NAT64_LOCAL.check(plain, 'ipv6')) return 'reserved';
    const embedded = embeddedIPv4s(plain);
    // The least public of what it embeds: a Teredo address is as internal as its client or its server.
    if (embedded.length > 0) return embedded.map((v4) => classifyAddress(v4)).find((c) => c !== 'public') ?? 'public';
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [name, blocks] of CLASSES) if (blocks.check(plain, type)) return name;
  return 'public';
}

const ALLOWED: Record<WebhookAllowLevel, readonly AddressClass[]> = {
  none: ['public'],
  loopback: ['public', 'loopback'],
  private: ['public', 'loopback', 'private'],
  all: ['public', 'loopback', 'private', 'link-local', 'multicast', 'unspecified', 'reserved'],
};

/** Whether a webhook may be delivered to an address of this class under the setting. */
export function isAllowed(cls: AddressClass, level: WebhookAllowLevel): boolean {
  return ALLOWED[level].includes(cls);
}

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

/**
 * The IPv4 address an IPv6 one carries and reaches: IPv4-mapped (`::ffff:a.b.c.d`), the
 * deprecated IPv4-compatible form (`::a.b.c.d`) and the NAT64 well-known prefix (`64:ff9b::/96`).
 */
export function embeddedIPv4(v6: string): string | undefined {
  const g = groups(v6);
  if (!g) return undefined;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  const mapped = zeros(5) && g[5] === 0xffff;
  const compatible = zeros(6) && (g[6]! !== 0 || g[7]! > 1);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !compatible && !nat64) return undefined;
  return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
}

/** Classifies an IP literal (v4 or v6, brackets allowed); anything that is not one is `reserved`. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 0) return 'reserved';
  if (family === 6) {
    const v4 = embeddedIPv4(bare);
    if (v4 !== undefined) return classifyAddress(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const plain = bare.replace(/%.*$/, '');
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

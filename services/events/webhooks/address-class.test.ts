import { describe, expect, it } from 'vitest';
import { classifyAddress, embeddedIPv4, isAllowed, type AddressClass } from './address-class.js';

describe('classifyAddress', () => {
  const table: [string, AddressClass][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2606:4700:4700::1111', 'public'],
    // IPv4-translated (SIIT, ::ffff:0:0/96): the form that passed the guard (issue 21.9).
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['[::ffff:0:127.0.0.1]', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:a9fe:a9fe', 'link-local'],
    ['::ffff:0:10.1.2.3', 'private'],
    // 6to4 (2002::/16): the IPv4 address is groups 1 and 2.
    ['2002:7f00:1::', 'loopback'],
    ['[2002:7f00:1::]', 'loopback'],
    ['2002:7f00:0001:0:0:0:0:1', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['2002:0a00:0001::', 'private'],
    ['2002:808:808::1', 'public'],
    // Teredo (2001::/32): server in groups 2-3, client (obfuscated, XOR ffff) in groups 6-7.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    ['2001:0:7f00:1:8000:63bf:f7f7:f7f7', 'loopback'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public'],
    // NAT64: the well-known prefix embeds in the last 32 bits; the local-use prefix could map anywhere.
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::7f00:1', 'reserved'],
    ['64:ff9b:1:2::8.8.8.8', 'reserved'],
    // IPv4-compatible (deprecated ::a.b.c.d).
    ['::10.0.0.1', 'private'],
    ['::a9fe:a9fe', 'link-local'],
    ['not-an-ip', 'reserved'],
  ];
  for (const [address, cls] of table) it(`${address} is ${cls}`, () => expect(classifyAddress(address)).toBe(cls));

  it('finds the IPv4 address inside mapped, compatible and NAT64 IPv6', () => {
    expect(embeddedIPv4('::ffff:192.168.0.1')).toBe('192.168.0.1');
    expect(embeddedIPv4('0:0:0:0:0:ffff:c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIPv4('64:ff9b::808:808')).toBe('8.8.8.8');
    expect(embeddedIPv4('2001:db8::1')).toBeUndefined();
    expect(embeddedIPv4('::1')).toBeUndefined();
    expect(embeddedIPv4('::ffff:0:127.0.0.1')).toBe('127.0.0.1');
    expect(embeddedIPv4('2002:7f00:1::')).toBe('127.0.0.1');
    expect(embeddedIPv4('2001:0:4136:e378:8000:63bf:80ff:fffe')).toBe('127.0.0.1');
  });
});

describe('isAllowed', () => {
  const table: [AddressClass, 'none' | 'loopback' | 'private' | 'all', boolean][] = [
    ['public', 'none', true],
    ['loopback', 'none', false],
    ['loopback', 'loopback', true],
    ['private', 'loopback', false],
    ['private', 'private', true],
    ['link-local', 'private', false],
    ['link-local', 'all', true],
    ['multicast', 'private', false],
    ['unspecified', 'loopback', false],
  ];
  for (const [cls, level, allowed] of table) it(`${cls} under ${level}: ${allowed}`, () => expect(isAllowed(cls, level)).toBe(allowed));
});

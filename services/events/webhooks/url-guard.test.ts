import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendAttempt } from './send-attempt.js';
import { ForbiddenAddressError, pinnedLookup, resolveAllowed, urlShapeProblem } from './url-guard.js';

describe('urlShapeProblem', () => {
  const table: [string, string | undefined][] = [
    ['https://hooks.example.com/x', undefined],
    ['http://203.0.114.1:8080/x?y=1', undefined],
    ['ftp://example.com/', 'invalid_webhook_url'],
    ['javascript:alert(1)', 'invalid_webhook_url'],
    ['//example.com/', 'invalid_webhook_url'],
    ['http://u:p@example.com/', 'invalid_webhook_url'],
    [`https://example.com/${'a'.repeat(2048)}`, 'webhook_url_too_long'],
  ];
  for (const [url, code] of table) it(`${url.slice(0, 40)} → ${code ?? 'ok'}`, () => expect(urlShapeProblem(url)?.code).toBe(code));
});

describe('resolveAllowed', () => {
  it('refuses a name that resolves to loopback unless loopback is allowed', async () => {
    expect(await resolveAllowed('localhost', 'none')).toMatchObject({ code: 'webhook_address_forbidden' });
    expect(await resolveAllowed('localhost', 'loopback')).toHaveProperty('addresses');
    expect(await resolveAllowed('169.254.169.254', 'private')).toMatchObject({ code: 'webhook_address_forbidden' });
    expect(await resolveAllowed('::ffff:10.0.0.1', 'loopback')).toMatchObject({ code: 'webhook_address_forbidden' });
    // The IPv6 forms that embed 127.0.0.1 and passed the guard (issue 21.9), and their kin.
    for (const host of ['[::ffff:0:127.0.0.1]', '::ffff:0:7f00:1', '[2002:7f00:1::]', '2002:7f00:1::', '2001:0:4136:e378:8000:63bf:80ff:fffe', '64:ff9b::7f00:1', '64:ff9b:1::7f00:1']) {
      expect({ host, r: await resolveAllowed(host, 'none') }).toMatchObject({ host, r: { code: 'webhook_address_forbidden' } });
    }
    expect(await resolveAllowed('no-such-host.invalid', 'all')).toMatchObject({ code: 'webhook_url_unresolvable' });
  });

  it('hands the socket only a checked address', async () => {
    const lookup = pinnedLookup('none');
    const err = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(err).toBeInstanceOf(ForbiddenAddressError);
    const ok = await new Promise<string>((resolve) => pinnedLookup('loopback')('localhost', { family: 4 }, (_e, address) => resolve(address as string)));
    expect(ok).toBe('127.0.0.1');
  });
});

describe('sendAttempt', () => {
  it('checks the address again at delivery: a receiver on loopback is never contacted under `none`', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const attempt = (url: string, allow: 'none' | 'loopback') => sendAttempt({ url, headers: {}, body: '{}', timeoutMs: 2000, allow });
      expect(await attempt(`http://localhost:${port}/`, 'none')).toMatchObject({ kind: 'error', error: expect.stringMatching(/loopback/) });
      expect(await attempt(`http://127.0.0.1:${port}/`, 'none')).toMatchObject({ kind: 'error', error: expect.stringMatching(/loopback/) });
      expect(await attempt(`http://[::ffff:127.0.0.1]:${port}/`, 'none')).toMatchObject({ kind: 'error' });
      expect(await attempt(`http://[::ffff:0:127.0.0.1]:${port}/`, 'none')).toMatchObject({ kind: 'error', error: expect.stringMatching(/loopback/) });
      expect(await attempt(`http://[2002:7f00:1::]:${port}/`, 'none')).toMatchObject({ kind: 'error', error: expect.stringMatching(/loopback/) });
      expect(hits).toBe(0);
      expect(await attempt(`http://127.0.0.1:${port}/`, 'loopback')).toEqual({ kind: 'status', status: 200 });
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});

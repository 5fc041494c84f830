import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { KeyRing, newKeyRingEntry, parseKeyRing } from './key-ring.js';
import { checkSignature, parseQuery, signPath } from './url-signing.js';

const NOW = 1_800_000_000;
const ring = (...entries: string[]) => {
  const parsed = parseKeyRing(entries.join(','));
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return new KeyRing(parsed.keys);
};
const current = newKeyRingEntry(new Date(NOW * 1000));
const older = newKeyRingEntry(new Date((NOW - 86_400) * 1000));
const RING = ring(current, older);
const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

function check(url: string, r = RING, now = NOW, maxTtl = 3600) {
  const at = url.indexOf('?');
  return checkSignature(r, url.slice(0, at), parseQuery(url.slice(at + 1)), now, maxTtl);
}
function status(fn: () => unknown): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return err.status;
    throw err;
  }
}

const signed = signPath(RING, `/i/${ID}`, [['w', '640'], ['fmt', 'webp']], NOW + 300);

describe('signed URLs', () => {
  it('verifies what it signed, and says until when', () => {
    expect(check(signed)).toEqual({ signed: true, exp: NOW + 300, ep: 0 });
    expect(check(`/i/${ID}?w=1`.replace('?w=1', '?w=1'), RING)).toBeDefined();
  });

  it('binds a URL to its minting key and the image epoch, both covered by the signature', () => {
    const bound = signPath(RING, `/i/${ID}`, [['w', '640']], NOW + 300, { by: '0123456789abcdef', ep: 3 });
    expect(bound).toMatch(/&by=0123456789abcdef&ep=3&sig=/);
    expect(check(bound)).toEqual({ signed: true, exp: NOW + 300, by: '0123456789abcdef', ep: 3 });
    expect(status(() => check(bound.replace('by=0123456789abcdef', 'by=fedcba9876543210')))).toBe(403);
    expect(status(() => check(bound.replace('&by=0123456789abcdef', '')))).toBe(403);
    // Minted from a session: bound to the user (`u` and the user's id), as covered as a key id.
    const byUser = signPath(RING, `/i/${ID}`, [], NOW + 300, { by: `u${ID}` });
    expect(check(byUser)).toEqual({ signed: true, exp: NOW + 300, by: `u${ID}`, ep: 0 });
    expect(status(() => check(byUser.replace(`by=u${ID}`, `by=u${ID.slice(0, -1)}A`)))).toBe(403);
    expect(status(() => check(bound.replace('ep=3', 'ep=4')))).toBe(403);
    expect(status(() => check(bound.replace('&ep=3', '')))).toBe(403);
    expect(status(() => check(`${bound}&ep=3`))).toBe(400);
  });

  it('treats a URL without sig, exp or kid as unsigned', () => {
    expect(check(`/i/${ID}?w=640`)).toEqual({ signed: false });
  });

  it('refuses every single-character change of the signature (403)', () => {
    const sig = /sig=([^&]+)/.exec(signed)![1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < sig.length; i++) {
      const other = alphabet[(alphabet.indexOf(sig[i]!) + 1) % alphabet.length]!;
      const changed = signed.replace(`sig=${sig}`, `sig=${sig.slice(0, i)}${other}${sig.slice(i + 1)}`);
      expect(status(() => check(changed)), `position ${i}`).toBe(403);
    }
  });

  const table: [string, string, number | 'ok'][] = [
    ['a parameter added', signed.replace('?', '?q=90&'), 403],
    ['a parameter removed', signed.replace('w=640&', ''), 403],
    ['a parameter changed', signed.replace('w=640', 'w=1280'), 403],
    ['the path changed', signed.replace(ID, '01ARZ3NDEKTSV4RRFFQ69G5FAW'), 403],
    ['a preset added to the path', signed.replace(`/i/${ID}`, `/i/${ID}/thumb`), 403],
    ['exp changed', signed.replace(`exp=${NOW + 300}`, `exp=${NOW + 301}`), 403],
    ['kid changed to another in the ring', signed.replace(/kid=[^&]+/, `kid=${older.split(':')[0]}`), 403],
    ['kid not in the ring', signed.replace(/kid=[^&]+/, 'kid=nosuchkey'), 403],
    ['sig missing', signed.replace(/&sig=[^&]+/, ''), 403],
    ['exp missing', signed.replace(/exp=[^&]+&/, ''), 403],
    ['sig too short', signed.replace(/sig=([^&]+)/, (_m, s: string) => `sig=${s.slice(1)}`), 403],
    ['sig too long', signed.replace(/sig=([^&]+)/, (_m, s: string) => `sig=${s}A`), 403],
    ['sig not base64url', signed.replace(/sig=([^&]{3})/, 'sig=%2B%2F='), 403],
    ['sig duplicated', `${signed}&sig=AAAA`, 400],
    ['exp duplicated', `${signed}&exp=${NOW + 300}`, 400],
    ['kid duplicated', `${signed}&kid=x`, 400],
    ['a malformed percent-escape', `${signed}&w=%E0%A4%A`, 400],
  ];
  it.each(table)('%s → %s', (_name, url, expected) => {
    expect(status(() => check(url))).toBe(expected);
  });

  it('refuses an expired URL (403) and one whose expiry lies past the maximum (400)', () => {
    expect(status(() => check(signed, RING, NOW + 300))).toBe(403);
    expect(status(() => check(signed, RING, NOW + 299))).toBe('ok');
    const far = signPath(RING, `/i/${ID}`, [], NOW + 7200);
    expect(status(() => check(far, RING, NOW, 3600))).toBe(400);
  });

  it('keeps URLs signed by an older key valid until that key leaves the ring', () => {
    const byOld = signPath(ring(older), `/i/${ID}`, [], NOW + 60);
    expect(check(byOld, RING).signed).toBe(true);
    expect(status(() => check(byOld, ring(current)))).toBe(403);
  });

  it('signs with the first key of the ring', () => {
    expect(signed).toContain(`kid=${current.split(':')[0]}`);
  });
});

describe('parseKeyRing', () => {
  it('lists every problem', () => {
    const parsed = parseKeyRing('bad entry,k1:short,k2:' + 'A'.repeat(43) + ',k2:' + 'B'.repeat(43));
    expect('problems' in parsed && parsed.problems).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { hashToken, keyState, newToken, parseToken, tokenMatches, TOKEN_LENGTH } from './api-key.js';
import { isSubsetOf } from './scopes.js';

describe('API keys', () => {
  it('makes 32-byte secrets with a visible id, stored as a hash', () => {
    const a = newToken();
    const b = newToken();
    expect(a.token).toHaveLength(TOKEN_LENGTH);
    expect(a.token).not.toBe(b.token);
    expect(parseToken(a.token)).toEqual({ id: a.id });
    expect(Buffer.from(a.token.slice(24), 'base64url')).toHaveLength(32);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).not.toContain(a.token.slice(24));
    expect(tokenMatches(a.token, a.hash)).toBe(true);
    expect(tokenMatches(b.token, a.hash)).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['imgsvc_0123456789abcdef_short', 'short secret'],
    [`imgsvc_0123456789ABCDEF_${'A'.repeat(43)}`, 'upper-case id'],
    [`sk_0123456789abcdef_${'A'.repeat(43)}`, 'other prefix'],
    [`imgsvc_0123456789abcdef_${'A'.repeat(42)}!`, 'bad character'],
    ['x'.repeat(10_000), '10 kB of junk'],
  ])('refuses %j (%s) before any lookup', (token) => {
    expect(parseToken(token)).toBeUndefined();
  });

  it('knows revoked and expired keys', () => {
    const base = { id: 'a', userId: 'u', name: '', hash: '', scopes: [], createdAt: '' };
    expect(keyState(base, 0)).toBe('active');
    expect(keyState({ ...base, revokedAt: 'x' }, 0)).toBe('revoked');
    expect(keyState({ ...base, expiresAt: new Date(1000).toISOString() }, 1000)).toBe('expired');
    expect(keyState({ ...base, expiresAt: new Date(1001).toISOString() }, 1000)).toBe('active');
  });

  it('never lets a key mint wider scopes', () => {
    expect(isSubsetOf(['images:read'], ['images:read', 'images:write'])).toBe(true);
    expect(isSubsetOf(['images:write'], ['images:read'])).toBe(false);
    expect(isSubsetOf(['admin'], ['images:read', 'images:write'])).toBe(false);
    expect(isSubsetOf(['images:write', 'admin'], ['admin'])).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword, hashPassword, verifyPassword } from './password-hash.js';

describe('password hashes', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterx', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('never matches a malformed or hostile stored hash', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$1$1$$', 'bcrypt$x', `scrypt$${2 ** 30}$8$1$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}`]) {
      expect(await verifyPassword('anything at all', bad)).toBe(false);
    }
  });

  it('checks length only: 12 to 256 characters, counted as people count them', () => {
    expect(() => assertAcceptablePassword('short')).toThrow(/at least 12/);
    expect(() => assertAcceptablePassword('x'.repeat(257))).toThrow(/at most 256/);
    expect(() => assertAcceptablePassword(42)).toThrow(/expected a string/);
    expect(() => assertAcceptablePassword('🙂'.repeat(12))).not.toThrow();
    expect(() => assertAcceptablePassword('twelve chars')).not.toThrow();
  });
});

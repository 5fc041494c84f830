import { describe, expect, it } from 'vitest';
import { csrfVerdict, type CsrfInput } from './csrf-check.js';

const SELF = 'https://photos.example';
const base: CsrfInput = { method: 'POST', expectedToken: 'tok', tokenHeader: 'tok', secFetchSite: 'same-origin', origin: SELF, selfOrigin: SELF };
const eq = (a: string, b: string) => a === b;

describe('csrfVerdict', () => {
  it.each([
    ['a same-origin write with the token', {}, true],
    ['a read, whatever its origin', { method: 'GET', tokenHeader: undefined, secFetchSite: 'cross-site', origin: 'https://evil.example' }, true],
    ['a write without the token', { tokenHeader: undefined }, false],
    ['a write with a wrong token', { tokenHeader: 'other' }, false],
    ['a cross-site write with the token', { secFetchSite: 'cross-site', origin: 'https://evil.example' }, false],
    ['a same-site (sibling subdomain) write with the token', { secFetchSite: 'same-site', origin: 'https://evil.photos.example' }, false],
    ['a write from another origin without fetch metadata, with the token', { secFetchSite: undefined, origin: 'https://evil.example' }, false],
    ['a write from this origin without fetch metadata', { secFetchSite: undefined }, true],
    ['a write with no browser signal at all (curl) and the token', { secFetchSite: undefined, origin: undefined }, true],
    ['a write with no browser signal and no token', { secFetchSite: undefined, origin: undefined, tokenHeader: undefined }, false],
    ['a user-typed navigation (none) with the token', { secFetchSite: 'none' }, true],
    ['sign-in from this origin (no token expected)', { expectedToken: undefined, tokenHeader: undefined }, true],
    ['sign-in from another site', { expectedToken: undefined, tokenHeader: undefined, secFetchSite: 'cross-site' }, false],
    ['a DELETE without the token', { method: 'DELETE', tokenHeader: undefined }, false],
  ] as const)('%s', (_name, change, ok) => {
    expect(csrfVerdict({ ...base, ...change }, eq).ok).toBe(ok);
  });
});

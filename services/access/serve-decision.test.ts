import { describe, expect, it } from 'vitest';
import type { Principal } from '../accounts/principal.js';
import type { Scope } from '../accounts/scopes.js';
import { check } from './permissions.js';
import { decideServe, serveLater, serveNow, type ServeDecision, type ServeFacts } from './serve-decision.js';
import type { SignatureCheck } from './url-signing.js';

const OWNER = 'OWNER';
const user = (userId: string, role: 'admin' | 'user' = 'user', scopes: readonly Scope[] = ['images:read', 'images:write']): Principal => ({ kind: 'user', userId, role, keyId: 'k', scopes });
const CALLERS: Record<string, Principal> = {
  anonymous: { kind: 'anonymous' },
  owner: user(OWNER),
  viewer: user('VIEWER'),
  stranger: user('STRANGER'),
  admin: user('ADMIN', 'admin', ['images:read', 'admin']),
  writeOnlyOwner: user(OWNER, 'user', ['images:write']),
};

const pub: ServeFacts = { ownerId: OWNER, visibility: 'public' };
const priv: ServeFacts = { ownerId: OWNER, visibility: 'private' };
const gone: ServeFacts = { ownerId: OWNER, visibility: 'public', deletedAt: '2026-01-01T00:00:00.000Z' };
const revokedEpoch: ServeFacts = { ownerId: OWNER, visibility: 'private', signingEpoch: 2 };
const UNSIGNED: SignatureCheck = { signed: false };
const SIGNED: SignatureCheck = { signed: true, exp: 2_000_000_000, ep: 0 };
const BY: SignatureCheck = { signed: true, exp: 2_000_000_000, ep: 0, by: 'KEY' };

describe('decideServe: caller × image × signature × known facts', () => {
  const cases: [string, string, ServeFacts, SignatureCheck, boolean | undefined, boolean | undefined, ServeDecision][] = [
    ['a public image, anonymously', 'anonymous', pub, UNSIGNED, undefined, undefined, 'public'],
    ['a public image with a key', 'stranger', pub, UNSIGNED, undefined, undefined, 'public'],
    ['a private image, anonymously', 'anonymous', priv, UNSIGNED, undefined, undefined, 'hidden'],
    ['a private image, its owner', 'owner', priv, UNSIGNED, undefined, undefined, 'private'],
    ['a private image, an admin', 'admin', priv, UNSIGNED, undefined, undefined, 'private'],
    ['a private image, its owner through a key that may not read', 'writeOnlyOwner', priv, UNSIGNED, undefined, undefined, 'hidden'],
    ['a private image, a viewer before the grant lookup', 'viewer', priv, UNSIGNED, undefined, undefined, 'ask_grant'],
    ['a private image, a granted viewer', 'viewer', priv, UNSIGNED, true, undefined, 'private'],
    ['a private image, a stranger (no grant)', 'stranger', priv, UNSIGNED, false, undefined, 'hidden'],
    ['a deleted image, its owner', 'owner', gone, UNSIGNED, undefined, undefined, 'hidden'],
    ['a deleted image, signed', 'anonymous', gone, SIGNED, undefined, undefined, 'hidden'],
    ['a private image, signed by the owner', 'anonymous', priv, SIGNED, undefined, undefined, 'signed'],
    ['a private image, signed before the owner revoked its URLs', 'anonymous', revokedEpoch, SIGNED, undefined, undefined, 'revoked'],
    ['a public image, minted by someone else', 'anonymous', pub, BY, undefined, undefined, 'delegated'],
    ['a private image, minted by someone else, minter unknown', 'anonymous', priv, BY, undefined, undefined, 'ask_minter'],
    ['a private image, minted by someone who still sees it', 'anonymous', priv, BY, undefined, true, 'delegated'],
    ['a private image, minted by someone who no longer sees it', 'stranger', priv, BY, undefined, false, 'revoked'],
  ];
  it.each(cases)('%s', (_name, caller, image, sig, granted, minter, expected) => {
    expect(decideServe(CALLERS[caller]!, image, sig, granted, minter)).toBe(expected);
  });

  it('is the image.view decision for unsigned requests, for every caller, image and grant', () => {
    for (const p of Object.values(CALLERS)) {
      for (const image of [pub, priv, gone]) {
        for (const granted of [false, true]) {
          const served = decideServe(p, image, UNSIGNED, granted, undefined);
          expect(served === 'public' || served === 'private' ? 'allow' : 'not_found').toBe(check('image.view', p, { image, granted, signed: false }));
        }
      }
    }
  });
});

describe('serveNow and serveLater', () => {
  const minters = (sees: boolean | undefined) => ({
    peek: () => sees,
    check: async () => sees ?? false,
  });

  it('answers from memory what memory knows, and asks for the rest', () => {
    expect(serveNow(CALLERS.anonymous!, pub, UNSIGNED, minters(undefined), 0)).toBe('public');
    expect(serveNow(CALLERS.anonymous!, priv, BY, minters(true), 0)).toBe('delegated');
    expect(serveNow(CALLERS.anonymous!, priv, BY, minters(undefined), 0)).toBe('ask_minter');
    expect(serveNow(CALLERS.viewer!, priv, UNSIGNED, minters(undefined), 0)).toBe('ask_grant');
  });

  it('makes the lookups the decision needs', async () => {
    const grantedTo = (ids: string[]) => async (p: Principal) => p.kind === 'user' && ids.includes(p.userId);
    expect(await serveLater(CALLERS.viewer!, priv, UNSIGNED, { minters: minters(undefined), granted: grantedTo(['VIEWER']) }, 0)).toBe('private');
    expect(await serveLater(CALLERS.stranger!, priv, UNSIGNED, { minters: minters(undefined), granted: grantedTo(['VIEWER']) }, 0)).toBe('hidden');
    expect(await serveLater(CALLERS.anonymous!, priv, BY, { minters: minters(false), granted: grantedTo([]) }, 0)).toBe('revoked');
    expect(await serveLater(CALLERS.anonymous!, priv, BY, { minters: minters(true), granted: grantedTo([]) }, 0)).toBe('delegated');
    expect(await serveLater(CALLERS.owner!, priv, UNSIGNED, { minters: minters(undefined), granted: grantedTo([]) }, 0)).toBe('private');
  });
});

import { describe, expect, it } from 'vitest';
import type { Principal } from '../accounts/principal.js';
import type { Scope } from '../accounts/scopes.js';
import type { ImageAccessFacts } from './decide.js';
import { check, isCaller, ownerFilter, type Decision, type Permission, type PermissionFacts } from './permissions.js';

const OWNER = 'OWNER';
const user = (userId: string, role: 'admin' | 'user' = 'user', scopes: readonly Scope[] = ['images:read', 'images:write']): Principal & { kind: 'user' } => ({
  kind: 'user',
  userId,
  role,
  keyId: 'k',
  scopes,
});

/** The callers every permission is decided for. */
const CALLERS = {
  anonymous: { kind: 'anonymous' } as Principal,
  owner: user(OWNER),
  viewer: user('VIEWER'), // granted by the owner where the row says `granted`
  stranger: user('STRANGER'),
  admin: user('ADMIN', 'admin', ['images:read', 'images:write', 'admin']),
  adminRoleOnly: user('ADMIN', 'admin', ['images:read', 'images:write']),
  writeOnlyOwner: user(OWNER, 'user', ['images:write']),
};
type Caller = keyof typeof CALLERS;
const ORDER: Caller[] = ['anonymous', 'owner', 'viewer', 'stranger', 'admin', 'adminRoleOnly', 'writeOnlyOwner'];

const pub: ImageAccessFacts = { ownerId: OWNER, visibility: 'public' };
const priv: ImageAccessFacts = { ownerId: OWNER, visibility: 'private' };
const deleted: ImageAccessFacts = { ownerId: OWNER, visibility: 'public', deletedAt: '2026-01-01T00:00:00.000Z' };

const A = 'allow';
const F = 'forbidden';
const N = 'not_found';

/**
 * permission × resource state → the decision for each caller, in ORDER:
 * anonymous, owner, granted-or-not viewer, stranger, admin, admin role without the admin scope,
 * the owner through a key that may not read.
 */
type Row<P extends Permission> = [P, string, (caller: Caller) => PermissionFacts[P], Decision[]];
const granted = (c: Caller) => c === 'viewer';
const TABLE: Row<Permission>[] = [
  ['image.view', 'public', () => ({ image: pub, granted: false, signed: false }), [A, A, A, A, A, A, A]],
  ['image.view', 'private, viewer granted', (c) => ({ image: priv, granted: granted(c), signed: false }), [N, A, A, N, A, N, N]],
  ['image.view', 'private, signed URL', () => ({ image: priv, granted: false, signed: true }), [A, A, A, A, A, A, A]],
  ['image.view', 'deleted, even signed', () => ({ image: deleted, granted: false, signed: true }), [N, N, N, N, N, N, N]],
  ['image.manage', 'public', () => ({ image: pub, granted: false }), [F, A, F, F, A, F, A]],
  ['image.manage', 'private, viewer granted', (c) => ({ image: priv, granted: granted(c) }), [N, A, F, N, A, N, A]],
  ['image.manage', 'deleted', () => ({ image: deleted, granted: false }), [N, N, N, N, N, N, N]],
  ['image.trash', 'deleted', () => ({ image: deleted }), [N, A, N, N, A, N, A]],
  ['image.trash', 'live (not in the trash)', () => ({ image: pub }), [N, N, N, N, N, N, N]],
  ['image.original', 'owner shares originals', () => ({ image: pub, ownerDefault: true }), [A, A, A, A, A, A, A]],
  ['image.original', 'owner keeps originals', () => ({ image: pub, ownerDefault: false }), [F, A, F, F, A, F, A]],
  ['image.original', 'kept by default, shared for this image', () => ({ image: { ...pub, allowOriginalDownload: true }, ownerDefault: false }), [A, A, A, A, A, A, A]],
  ['comment.delete', "the viewer's comment", () => ({ image: pub, authorId: 'VIEWER' }), [F, A, A, F, A, F, A]],
  ['comment.delete', "a stranger's comment", () => ({ image: pub, authorId: 'STRANGER' }), [F, A, F, A, A, F, A]],
  ['images.list-all', "owner's listing, viewer granted", (c) => ({ ownerId: OWNER, granted: granted(c) }), [N, A, A, N, A, N, A]],
  ['trash.list', "owner's trash", () => ({ ownerId: OWNER }), [N, A, N, N, A, N, A]],
  ['album.view', 'no item the caller sees', () => ({ album: { ownerId: OWNER }, seesAnItem: false }), [N, A, N, N, A, N, N]],
  ['album.view', 'an item the caller sees', () => ({ album: { ownerId: OWNER }, seesAnItem: true }), [A, A, A, A, A, A, A]],
  ['album.manage', 'no item the caller sees', () => ({ album: { ownerId: OWNER }, seesAnItem: false }), [N, A, N, N, A, N, A]],
  ['album.manage', 'an item the caller sees', () => ({ album: { ownerId: OWNER }, seesAnItem: true }), [F, A, F, F, A, F, A]],
  ['key.revoke', "the owner's key", () => ({ key: { userId: OWNER } }), [N, A, N, N, A, N, A]],
  ['keys.manage', "the owner's keys", () => ({ userId: OWNER }), [F, A, F, F, A, F, A]],
  ['upload.resume', "the owner's upload", () => ({ ownerId: OWNER }), [N, A, N, N, N, N, A]],
  ['events.read', "the owner's events", () => ({ ownerId: OWNER }), [N, A, N, N, A, N, A]],
  ['events.read', "every owner's events", () => ({ ownerId: undefined }), [N, N, N, N, A, N, N]],
  ['webhook.manage', "the owner's endpoint", () => ({ endpoint: { ownerId: OWNER } }), [N, A, N, N, A, N, A]],
  ['webhooks.list', "the owner's endpoints", () => ({ ownerId: OWNER }), [N, A, N, N, A, N, A]],
  ['webhooks.list', "every owner's endpoints", () => ({ ownerId: undefined }), [N, N, N, N, A, N, N]],
  ['users.manage', 'any account', () => ({}), [F, F, F, F, A, F, F]],
];

describe('check: caller × permission × resource state', () => {
  const cases = TABLE.flatMap(([permission, state, facts, expected]) =>
    ORDER.map((caller, i) => [`${permission} (${state}) for ${caller}`, permission, caller, facts, expected[i]!] as const),
  );
  it.each(cases)('%s', (_name, permission, caller, facts, expected) => {
    expect(check(permission, CALLERS[caller], facts(caller))).toBe(expected);
  });

  it('has a row for every permission', () => {
    const permissions: Permission[] = [
      'image.view', 'image.manage', 'image.trash', 'image.original', 'comment.delete', 'images.list-all', 'trash.list', 'album.view',
      'album.manage', 'key.revoke', 'keys.manage', 'upload.resume', 'events.read', 'webhook.manage', 'webhooks.list', 'users.manage',
    ];
    expect(new Set(TABLE.map(([p]) => p))).toEqual(new Set(permissions));
  });
});

describe('ownerFilter', () => {
  it('shows an admin every owner and anyone else their own', () => {
    expect(ownerFilter('events.read', CALLERS.admin as Principal & { kind: 'user' })).toBeUndefined();
    expect(ownerFilter('webhooks.list', CALLERS.admin as Principal & { kind: 'user' })).toBeUndefined();
    expect(ownerFilter('events.read', CALLERS.stranger as Principal & { kind: 'user' })).toBe('STRANGER');
    expect(ownerFilter('webhooks.list', CALLERS.adminRoleOnly as Principal & { kind: 'user' })).toBe('ADMIN');
  });
});

describe('isCaller', () => {
  it('is the caller themselves and nobody else', () => {
    expect(isCaller(CALLERS.owner, OWNER)).toBe(true);
    expect(isCaller(CALLERS.stranger, OWNER)).toBe(false);
    expect(isCaller(CALLERS.anonymous, OWNER)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { Principal } from '../accounts/principal.js';
import { decideAlbumItem, decideAlbumManage, decideAlbumView, decideCommentDelete, decideManage, decideView, needsGrant } from './decide.js';

const OWNER = 'OWNER';
const user = (userId: string, role: 'admin' | 'user' = 'user', scopes: Principal & { kind: 'user' } extends { scopes: infer S } ? S : never = ['images:read', 'images:write']): Principal => ({ kind: 'user', userId, role, keyId: 'k', scopes });
const anonymous: Principal = { kind: 'anonymous' };
const owner = user(OWNER);
const admin = user('ADMIN', 'admin', ['images:read', 'images:write', 'admin']);
const adminRoleWithoutAdminScope = user('ADMIN', 'admin', ['images:read']);
const viewer = user('VIEWER');
const stranger = user('STRANGER');
const writeOnlyOwner = user(OWNER, 'user', ['images:write']);

describe('decideView', () => {
  const cases: [string, Principal, 'public' | 'private', { granted: boolean; signed: boolean }, string][] = [
    ['anyone sees a public image', anonymous, 'public', { granted: false, signed: false }, 'allow'],
    ['a stranger sees a public image', stranger, 'public', { granted: false, signed: false }, 'allow'],
    ['nobody anonymous sees a private image', anonymous, 'private', { granted: false, signed: false }, 'not_found'],
    ['the owner sees their private image', owner, 'private', { granted: false, signed: false }, 'allow'],
    ['an admin sees every private image', admin, 'private', { granted: false, signed: false }, 'allow'],
    ['the admin role alone is not enough', adminRoleWithoutAdminScope, 'private', { granted: false, signed: false }, 'not_found'],
    ['a granted viewer sees it', viewer, 'private', { granted: true, signed: false }, 'allow'],
    ['a stranger does not', stranger, 'private', { granted: false, signed: false }, 'not_found'],
    ['a signed URL lets anyone see it', anonymous, 'private', { granted: false, signed: true }, 'allow'],
    ['a key that may not read sees what anyone sees', writeOnlyOwner, 'private', { granted: false, signed: false }, 'not_found'],
    ['a key that may not read still sees public images', writeOnlyOwner, 'public', { granted: false, signed: false }, 'allow'],
  ];
  it.each(cases)('%s', (_name, p, visibility, ctx, expected) => {
    expect(decideView(p, { ownerId: OWNER, visibility }, ctx)).toBe(expected);
  });
});

describe('decideManage', () => {
  const cases: [string, Principal, 'public' | 'private', boolean, string][] = [
    ['the owner manages', owner, 'private', false, 'allow'],
    ['an admin manages', admin, 'public', false, 'allow'],
    ['a granted viewer may see but not manage', viewer, 'private', true, 'forbidden'],
    ['a stranger may see a public image but not manage it', stranger, 'public', false, 'forbidden'],
    ['a stranger learns nothing of a private image', stranger, 'private', false, 'not_found'],
    ['anonymous callers never manage', anonymous, 'public', false, 'forbidden'],
    ['anonymous callers learn nothing of a private image', anonymous, 'private', false, 'not_found'],
  ];
  it.each(cases)('%s', (_name, p, visibility, granted, expected) => {
    expect(decideManage(p, { ownerId: OWNER, visibility }, { granted })).toBe(expected);
  });
});

describe('needsGrant', () => {
  it('asks for a grant only when it can change the answer', () => {
    expect(needsGrant(viewer, { ownerId: OWNER, visibility: 'private' })).toBe(true);
    expect(needsGrant(viewer, { ownerId: OWNER, visibility: 'public' })).toBe(false);
    expect(needsGrant(owner, { ownerId: OWNER, visibility: 'private' })).toBe(false);
    expect(needsGrant(admin, { ownerId: OWNER, visibility: 'private' })).toBe(false);
    expect(needsGrant(anonymous, { ownerId: OWNER, visibility: 'private' })).toBe(false);
  });
});

describe('decideAlbumView', () => {
  const cases: [string, Principal, boolean, string][] = [
    ['the owner sees their empty album', owner, false, 'allow'],
    ['an admin sees any album', admin, false, 'allow'],
    ['a viewer who may see an item sees the album', viewer, true, 'allow'],
    ['a stranger who may see no item does not', stranger, false, 'not_found'],
    ['anonymous callers see an album with a public item', anonymous, true, 'allow'],
    ['anonymous callers do not see an album of private items', anonymous, false, 'not_found'],
    ['a key that may not read is not the owner here', writeOnlyOwner, false, 'not_found'],
  ];
  it.each(cases)('%s', (_name, p, seesAnItem, expected) => {
    expect(decideAlbumView(p, { ownerId: OWNER }, seesAnItem)).toBe(expected);
  });
});

describe('decideAlbumManage', () => {
  const cases: [string, Principal, boolean, string][] = [
    ['the owner manages', owner, false, 'allow'],
    ['an admin manages', admin, false, 'allow'],
    ['a write-only key of the owner manages', writeOnlyOwner, false, 'allow'],
    ['one who sees an item is refused', viewer, true, 'forbidden'],
    ['one who sees nothing learns nothing', stranger, false, 'not_found'],
    ['anonymous callers never manage', anonymous, true, 'forbidden'],
  ];
  it.each(cases)('%s', (_name, p, seesAnItem, expected) => {
    expect(decideAlbumManage(p, { ownerId: OWNER }, seesAnItem)).toBe(expected);
  });
});

describe('decideAlbumItem', () => {
  it.each([
    ['the album owner’s image', { ownerId: OWNER, visibility: 'private' as const }, 'allow'],
    ['another owner’s public image', { ownerId: 'OTHER', visibility: 'public' as const }, 'foreign'],
    ['a deleted image', { ownerId: OWNER, visibility: 'public' as const, deletedAt: '2026-01-01T00:00:00Z' }, 'foreign'],
  ])('%s', (_name, image, expected) => {
    expect(decideAlbumItem({ ownerId: OWNER }, image)).toBe(expected);
  });
});

describe('decideCommentDelete', () => {
  const cases: [string, Principal, string, string][] = [
    ['the author deletes their comment', viewer, 'VIEWER', 'allow'],
    ['the image owner deletes anyone’s comment', owner, 'VIEWER', 'allow'],
    ['an admin deletes any comment', admin, 'VIEWER', 'allow'],
    ['the admin role without the admin scope is just a user', adminRoleWithoutAdminScope, 'VIEWER', 'forbidden'],
    ['another viewer may not', stranger, 'VIEWER', 'forbidden'],
    ['nobody anonymous', anonymous, 'VIEWER', 'forbidden'],
  ];
  it.each(cases)('%s', (_name, p, authorId, expected) => {
    expect(decideCommentDelete(p, { ownerId: OWNER, visibility: 'public' }, authorId)).toBe(expected);
  });
});

import type { Principal } from '../accounts/principal.js';
import { isAdmin } from '../accounts/principal.js';
import {
  decideAlbumManage,
  decideAlbumView,
  decideCommentDelete,
  decideManage,
  decideOriginal,
  decideTrash,
  decideView,
  type AlbumAccessFacts,
  type ImageAccessFacts,
  type ManageDecision,
} from './decide.js';

/**
 * Every permission a route or the origin asks for, each with the facts about the resource its
 * decision needs (looked up by the caller, or by a guard, before asking). One vocabulary, so no
 * handler compares owner ids or asks `isAdmin` itself (test/architecture/access-structure.test.ts).
 */
export interface PermissionFacts {
  /** See an image (the `/i/` bytes, its record, its comments). */
  'image.view': { image: ImageAccessFacts; granted: boolean; signed: boolean };
  /** Change an image or read what only its owner should (analytics). */
  'image.manage': { image: ImageAccessFacts; granted: boolean };
  /** See and act on a deleted image in the trash (restore, purge, the erased answer). */
  'image.trash': { image: ImageAccessFacts };
  /** Have an image's original bytes (which keep GPS and the rest), given that one may see it. */
  'image.original': { image: ImageAccessFacts & { allowOriginalDownload?: boolean | undefined }; ownerDefault: boolean };
  /** Delete a comment on an image one may see. */
  'comment.delete': { image: ImageAccessFacts; authorId: string };
  /** A listing of an owner's images shows all of them (private ones included), not only the public ones. */
  'images.list-all': { ownerId: string; granted: boolean };
  /** List an owner's trash. */
  'trash.list': { ownerId: string };
  'album.view': { album: AlbumAccessFacts; seesAnItem: boolean };
  'album.manage': { album: AlbumAccessFacts; seesAnItem: boolean };
  /** Revoke (delete) an API key. */
  'key.revoke': { key: { userId: string } };
  /** List or create API keys held by this user. */
  'keys.manage': { userId: string };
  /** Resume, read or finish a resumable upload started by this user. */
  'upload.resume': { ownerId: string };
  /** Read the events of one owner, or of every owner (`ownerId` undefined). */
  'events.read': { ownerId: string | undefined };
  /** See and change one webhook endpoint. */
  'webhook.manage': { endpoint: { ownerId: string } };
  /** List the webhook endpoints of one owner, or of every owner (`ownerId` undefined). */
  'webhooks.list': { ownerId: string | undefined };
  /** Read and manage user accounts (an admin's work). */
  'users.manage': Record<string, never>;
}

export type Permission = keyof PermissionFacts;

/**
 * `allow`; `forbidden` (403: the caller may see the thing but not do this); `not_found` (404,
 * the same answer an unknown id gets: the caller may not learn that it exists).
 */
export type Decision = ManageDecision;

const ownerOrAdmin = (p: Principal, ownerId: string): boolean => p.kind === 'user' && (p.userId === ownerId || isAdmin(p));
/** Everyone's things for an admin; one's own for anyone else; someone else's is as unknown as nothing. */
const ownersThings = (p: Principal, ownerId: string | undefined): Decision =>
  isAdmin(p) || (p.kind === 'user' && ownerId === p.userId) ? 'allow' : 'not_found';

/** The rules, one per permission; each is pure and synchronous. */
const RULES: { [P in Permission]: (p: Principal, facts: PermissionFacts[P]) => Decision } = {
  'image.view': (p, f) => decideView(p, f.image, f),
  'image.manage': (p, f) => decideManage(p, f.image, f),
  'image.trash': (p, f) => decideTrash(p, f.image),
  'image.original': (p, f) => decideOriginal(p, f.image, f.ownerDefault),
  'comment.delete': (p, f) => decideCommentDelete(p, f.image, f.authorId),
  'images.list-all': (p, f) => (p.kind === 'user' && (ownerOrAdmin(p, f.ownerId) || f.granted) ? 'allow' : 'not_found'),
  'trash.list': (p, f) => (ownerOrAdmin(p, f.ownerId) ? 'allow' : 'not_found'),
  'album.view': (p, f) => decideAlbumView(p, f.album, f.seesAnItem),
  'album.manage': (p, f) => decideAlbumManage(p, f.album, f.seesAnItem),
  'key.revoke': (p, f) => (ownerOrAdmin(p, f.key.userId) ? 'allow' : 'not_found'),
  // Someone else's keys are an admin's business: refused (403) as the admin routes refuse.
  'keys.manage': (p, f) => (ownerOrAdmin(p, f.userId) ? 'allow' : 'forbidden'),
  'upload.resume': (p, f) => (p.kind === 'user' && p.userId === f.ownerId ? 'allow' : 'not_found'),
  'events.read': (p, f) => ownersThings(p, f.ownerId),
  'webhook.manage': (p, f) => ownersThings(p, f.endpoint.ownerId),
  'webhooks.list': (p, f) => ownersThings(p, f.ownerId),
  'users.manage': (p) => (isAdmin(p) ? 'allow' : 'forbidden'),
};

/** The one access decision: may this principal do this to the resource these facts describe? */
export function check<P extends Permission>(permission: P, p: Principal, facts: PermissionFacts[P]): Decision {
  return RULES[permission](p, facts);
}

/**
 * Whose things a listing of `permission` shows this caller: every owner's (undefined) when they
 * may read everyone's, else their own.
 */
export function ownerFilter(permission: 'events.read' | 'webhooks.list', p: Principal & { kind: 'user' }): string | undefined {
  return check(permission, p, { ownerId: undefined }) === 'allow' ? undefined : p.userId;
}

/**
 * Whether the caller is this user: for the rules that stop one acting on oneself (an admin
 * disabling their own account, an owner granting themselves), which are about identity, not
 * permission, but are answered here with the rest.
 */
export function isCaller(p: Principal, userId: string): boolean {
  return p.kind === 'user' && p.userId === userId;
}

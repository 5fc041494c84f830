import type { Principal } from '../accounts/principal.js';
import { isAdmin } from '../accounts/principal.js';
import { hasScope } from '../accounts/scopes.js';
import type { Visibility } from '../accounts/user.js';

/** What the access decision needs to know of an image: nothing else about it matters. */
export interface ImageAccessFacts {
  readonly ownerId: string;
  readonly visibility: Visibility;
  /** Deleted images are gone for everyone, from the moment of deletion (the trash has its own routes). */
  readonly deletedAt?: string | undefined;
}

export interface ViewContext {
  /** The owner granted this principal all of their private images. */
  readonly granted: boolean;
  /** The request carries a valid, unexpired signature for exactly this URL. */
  readonly signed: boolean;
}

export type ViewDecision = 'allow' | 'not_found';
export type ManageDecision = 'allow' | 'forbidden' | 'not_found';

/** A key that may not read images sees what anyone sees. */
function reader(p: Principal): Principal & { kind: 'user' } | undefined {
  return p.kind === 'user' && hasScope(p.scopes, 'images:read') ? p : undefined;
}

/**
 * Whether a grant lookup can change the decision, so the hot path only asks Redis when it
 * must: public images, owners, admins and signed URLs are decided without one.
 */
export function needsGrant(p: Principal, image: ImageAccessFacts): boolean {
  const r = reader(p);
  return image.visibility === 'private' && r !== undefined && r.userId !== image.ownerId && !isAdmin(r);
}

/**
 * Who may see an image: anyone when it is public; otherwise its owner, an admin, a viewer the
 * owner granted, or the holder of a signed URL. Everyone else is told it does not exist.
 */
export function decideView(p: Principal, image: ImageAccessFacts, ctx: ViewContext): ViewDecision {
  if (image.deletedAt !== undefined) return 'not_found';
  if (image.visibility === 'public' || ctx.signed) return 'allow';
  const r = reader(p);
  if (!r) return 'not_found';
  if (r.userId === image.ownerId || isAdmin(r) || ctx.granted) return 'allow';
  return 'not_found';
}

/**
 * Who may change an image or read what only its owner should (analytics): its owner or an
 * admin (the route itself asks for the scope it needs). Someone who may see the image but not manage it is refused
 * (403); someone who may not see it learns nothing (404).
 */
export function decideManage(p: Principal, image: ImageAccessFacts, ctx: Pick<ViewContext, 'granted'>): ManageDecision {
  if (image.deletedAt !== undefined) return 'not_found';
  if (p.kind === 'user' && (isAdmin(p) || p.userId === image.ownerId)) return 'allow';
  return decideView(p, image, { granted: ctx.granted, signed: false }) === 'allow' ? 'forbidden' : 'not_found';
}

/**
 * Who may see and act on a deleted image in the trash (list, restore, purge): its owner or an
 * admin. Nobody else learns that it exists.
 */
export function decideTrash(p: Principal, image: ImageAccessFacts): ViewDecision {
  if (image.deletedAt === undefined) return 'not_found';
  return p.kind === 'user' && (isAdmin(p) || p.userId === image.ownerId) ? 'allow' : 'not_found';
}

/**
 * Whether a caller who may see an image may also have its original bytes, which keep
 * everything the camera wrote (GPS included): its owner and admins always; others only when the
 * owner allows it for this image, or by default for all their images. Variants carry no metadata.
 */
export function decideOriginal(p: Principal, image: ImageAccessFacts & { allowOriginalDownload?: boolean | undefined }, ownerDefault: boolean): 'allow' | 'forbidden' {
  if (p.kind === 'user' && (isAdmin(p) || p.userId === image.ownerId)) return 'allow';
  return image.allowOriginalDownload ?? ownerDefault ? 'allow' : 'forbidden';
}

/** What the album decisions need to know of an album: its owner. */
export interface AlbumAccessFacts {
  readonly ownerId: string;
}

/**
 * Albums have no visibility of their own: an album is visible to its owner and admins always,
 * and to anyone else exactly when they may see at least one of its items (each asked of
 * `decideView`). So an album of private images is invisible to a stranger (404, like an
 * unknown id) and an empty album is its owner's alone; an album never reveals more than its items.
 */
export function decideAlbumView(p: Principal, album: AlbumAccessFacts, seesAnItem: boolean): ViewDecision {
  const r = reader(p);
  if (r && (r.userId === album.ownerId || isAdmin(r))) return 'allow';
  return seesAnItem ? 'allow' : 'not_found';
}

/** Who may change an album (title, items, order, deletion): its owner or an admin; one who may only see it is refused (403). */
export function decideAlbumManage(p: Principal, album: AlbumAccessFacts, seesAnItem: boolean): ManageDecision {
  if (p.kind === 'user' && (isAdmin(p) || p.userId === album.ownerId)) return 'allow';
  return decideAlbumView(p, album, seesAnItem) === 'allow' ? 'forbidden' : 'not_found';
}

/**
 * Whether an image (which the caller may see) may go into an album: only the album owner's
 * own images, so an album never republishes somebody else's work.
 */
export function decideAlbumItem(album: AlbumAccessFacts, image: ImageAccessFacts): 'allow' | 'foreign' {
  return image.ownerId === album.ownerId && image.deletedAt === undefined ? 'allow' : 'foreign';
}

/**
 * Who may delete a comment on an image the caller may see: its author, the image's owner and
 * admins; anyone else who sees it is refused (403). The route asks `decideView` first, so who
 * may not see the image gets its 404.
 */
export function decideCommentDelete(p: Principal, image: ImageAccessFacts, authorId: string): 'allow' | 'forbidden' {
  if (p.kind !== 'user') return 'forbidden';
  return p.userId === authorId || p.userId === image.ownerId || isAdmin(p) ? 'allow' : 'forbidden';
}

import { needsGrant } from '../access/decide.js';
import { check } from '../access/permissions.js';
import type { Principal } from '../accounts/principal.js';

/** What the caller's grants say, read fresh per query (a revoked grant drops its owner at once). */
export interface GrantFacts {
  /** With an owner filter: whether that owner granted the caller. */
  ownerGranted: boolean;
  /** Without one: the owners who granted the caller all their private images. */
  grantingOwners: readonly string[];
}

/** What a query may find besides public images: the private images of these owners, and only this owner's images when set. */
export interface VisibilityPlan {
  owners: string[];
  onlyOwner?: string | undefined;
}

const privateOf = (ownerId: string) => ({ ownerId, visibility: 'private' as const });

/**
 * The owners whose private images this caller may find, chosen with the one access decision
 * asked of a private image of each owner: the caller's own and those of the owners who granted
 * them. An admin searching without an owner filter gets the same (other owners' private images
 * only with `owner=`), so a search shows what the caller's own world holds. Every candidate is
 * still re-checked against its record.
 */
export function visibilityPlan(p: Principal, ownerId: string | undefined, grants: GrantFacts): VisibilityPlan {
  const mayViewPrivate = (owner: string, granted: boolean) =>
    check('image.view', p, { image: privateOf(owner), granted: needsGrant(p, privateOf(owner)) && granted, signed: false }) === 'allow';
  if (ownerId !== undefined) return { owners: mayViewPrivate(ownerId, grants.ownerGranted) ? [ownerId] : [], onlyOwner: ownerId };
  if (p.kind !== 'user') return { owners: [] };
  // The decision for another owner's private image depends on that owner only through the
  // grant, so it is asked once for all of them, not once per granting owner (2,000 for a broad caller).
  const others = grants.grantingOwners.filter((o) => o !== p.userId);
  const own = mayViewPrivate(p.userId, false) ? [p.userId] : [];
  if (others.length === 0 || !mayViewPrivate(others[0]!, true)) return { owners: own };
  return { owners: [...own, ...new Set(others)] };
}

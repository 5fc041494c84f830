import { decideView, needsGrant } from '../access/decide.js';
import type { Principal } from '../accounts/principal.js';
import { redisKeys } from '../redis/keys.js';
import { privateScope, PUBLIC_SCOPE } from './index-ops.js';

/** One scope to search, optionally narrowed to the members of another set (an owner's public images). */
export interface ScopePlan {
  scope: string;
  within?: string;
}

/** What the caller's grants say, read fresh per query (a revoked grant drops its scope at once). */
export interface GrantFacts {
  /** With an owner filter: whether that owner granted the caller. */
  ownerGranted: boolean;
  /** Without one: the owners who granted the caller all their private images. */
  grantingOwners: readonly string[];
}

const privateOf = (ownerId: string) => ({ ownerId, visibility: 'private' as const });

/**
 * The scopes that can hold what this caller may see, chosen with the one access decision asked
 * of a private image of each owner: the public scope always, plus the private scopes of the
 * caller and of the owners who granted them. An admin searching without an owner filter gets
 * the same (owners' private scopes are unioned only with `owner=`), so a query costs what the
 * caller's own world costs, not the whole index. Every candidate is still re-checked.
 */
export function searchScopes(p: Principal, ownerId: string | undefined, grants: GrantFacts): ScopePlan[] {
  const mayViewPrivate = (owner: string, granted: boolean) =>
    decideView(p, privateOf(owner), { granted: needsGrant(p, privateOf(owner)) && granted, signed: false }) === 'allow';
  if (ownerId !== undefined) {
    const pub: ScopePlan = { scope: PUBLIC_SCOPE, within: redisKeys.ownerPublic(ownerId) };
    return mayViewPrivate(ownerId, grants.ownerGranted) ? [pub, { scope: privateScope(ownerId) }] : [pub];
  }
  const plans: ScopePlan[] = [{ scope: PUBLIC_SCOPE }];
  if (p.kind !== 'user') return plans;
  const owners = new Set([p.userId, ...grants.grantingOwners]);
  for (const owner of owners) if (mayViewPrivate(owner, owner !== p.userId)) plans.push({ scope: privateScope(owner) });
  return plans;
}

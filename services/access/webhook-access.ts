import { isAdmin, type Principal } from '../accounts/principal.js';

/**
 * Who may see and change a webhook endpoint: its owner and admins. Anyone else learns nothing
 * (the routes answer 404, as for an unknown id).
 */
export function mayManageWebhook(p: Principal, endpoint: { ownerId: string }): boolean {
  return isAdmin(p) || (p.kind === 'user' && p.userId === endpoint.ownerId);
}

/** An admin's endpoint receives every event; a user's only events about what they own. */
export function webhookScopeFor(p: Principal): 'all' | 'owner' {
  return isAdmin(p) ? 'all' : 'owner';
}

/** Whether an endpoint of this scope and owner receives an event about `ownerId`'s things. */
export function webhookReceives(endpoint: { scope: 'all' | 'owner'; ownerId: string }, eventOwnerId: string): boolean {
  return endpoint.scope === 'all' || endpoint.ownerId === eventOwnerId;
}

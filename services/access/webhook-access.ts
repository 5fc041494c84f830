import type { Principal } from '../accounts/principal.js';
import type { EventReader } from './event-visibility.js';
import { check } from './permissions.js';

// Who may see and change an endpoint is `check('webhook.manage')` (its owner and admins; anyone
// else gets the 404 of an unknown id).

/** An endpoint receives the events its owner may read: every event for an admin's, a user's only about what they own. */
export function webhookScopeFor(p: Principal): 'all' | 'owner' {
  return check('events.read', p, { ownerId: undefined }) === 'allow' ? 'all' : 'owner';
}

/** The endpoint's owner as they are now (undefined: the account is gone). */
export interface WebhookOwner {
  role: 'admin' | 'user';
  disabledAt?: string | undefined;
}

/**
 * Whom an endpoint receives as, decided against its owner *now*, at fan-out and again at every
 * attempt: nobody (undefined) once the owner is disabled or gone, or once an admin's `all`
 * endpoint has an owner who is no longer an admin; otherwise the reader whose `/v1/events`
 * view the payload must not exceed (`eventShownTo`).
 */
export function webhookReader(endpoint: { scope: 'all' | 'owner'; ownerId: string }, owner: WebhookOwner | undefined): EventReader | undefined {
  if (!owner || owner.disabledAt !== undefined) return undefined;
  if (endpoint.scope === 'all' && owner.role !== 'admin') return undefined;
  return { userId: endpoint.ownerId, admin: endpoint.scope === 'all' };
}

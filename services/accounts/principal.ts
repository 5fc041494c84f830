import type { Scope } from './scopes.js';

/**
 * Who is asking: nobody in particular, or a user through one of their API keys or a session
 * (a person signed in with a password; `keyId` is then `session:<hash prefix>`, which names
 * the session for rate limits and logs).
 */
export type Principal =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly role: 'admin' | 'user';
      readonly keyId: string;
      readonly scopes: readonly Scope[];
      /** Set when the caller came with the session cookie: sha256 of the session's secret. */
      readonly sessionId?: string;
    };

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/** Admin powers need both the admin role and a key carrying the admin scope. */
export function isAdmin(p: Principal): boolean {
  return p.kind === 'user' && p.role === 'admin' && p.scopes.includes('admin');
}

/** The user acting, for the record of who changed what (events); undefined for anonymous callers. */
export function actorOf(p: Principal): string | undefined {
  return p.kind === 'user' ? p.userId : undefined;
}

import type { AccountStore } from './account-store.js';
import type { Principal } from './principal.js';
import { scopesForRole } from './scopes.js';
import type { Session, SessionStore } from './session-store.js';
import type { User } from './user.js';

/**
 * Turns a session cookie into a principal: the session must be live and its user present and
 * enabled. A person signed in holds the scopes of their role, as a key made for them could.
 */
export class SessionAuthenticator {
  constructor(
    readonly sessions: SessionStore,
    private readonly accounts: AccountStore,
  ) {}

  async authenticate(cookieValue: string, now = Date.now()): Promise<{ principal: Principal & { kind: 'user' }; session: Session; user: User } | undefined> {
    const session = await this.sessions.resolve(cookieValue, now);
    if (!session) return undefined;
    const user = (await this.accounts.getUser(session.userId)) ?? (await this.accounts.getUserFromStorage(session.userId));
    if (!user || user.disabledAt) return undefined;
    const principal = {
      kind: 'user' as const,
      userId: user.id,
      role: user.role,
      keyId: `session:${session.sidHash.slice(0, 16)}`,
      scopes: scopesForRole(user.role),
      sessionId: session.sidHash,
    };
    return { principal, session, user };
  }
}

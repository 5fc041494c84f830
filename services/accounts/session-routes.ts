import { Router, type Request, type RequestHandler, type Response } from 'express';
import { route } from '../access/api-route.js';
import { assertSameOriginWrite, clientAddress } from '../access/authenticate-request.js';
import { tooManyRequests, unauthorized } from '../core/errors.js';
import type { Limiter } from '../ratelimit/limiter.js';
import type { AccountStore } from './account-store.js';
import type { PasswordStore } from './password-store.js';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from './session-cookie.js';
import type { SessionAuthenticator } from './session-authenticator.js';
import { sessionOperations as ops } from './session-operations.js';
import type { Session } from './session-store.js';
import type { User } from './user.js';

export interface SessionRouteDeps {
  accounts: AccountStore;
  passwords: PasswordStore;
  sessions: SessionAuthenticator;
  /** Failed sign-ins per handle and per address (undefined: off). */
  limits: { perHandle: Limiter | undefined; perAddress: Limiter | undefined };
  cookieSecure: 'auto' | 'always' | 'never';
}

export const sessionUser = (u: User) => ({ id: u.id, handle: u.handle, displayName: u.displayName, role: u.role });

/** Signing in and out with a handle and a password (people; programs use API keys). */
export function sessionRoutes(deps: SessionRouteDeps): Router {
  const router = Router();
  const { limits } = deps;
  const secure = (req: Request) => deps.cookieSecure === 'always' || (deps.cookieSecure === 'auto' && req.secure);
  const answer = (res: Response, user: User, session: Session) =>
    res.setHeader('Cache-Control', 'no-store').json({ user: sessionUser(user), csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() });

  // Login CSRF: another site must not sign a visitor in to an account of its choosing (refused before the body is read).
  const sameOrigin: RequestHandler = (req, _res, next) => {
    assertSameOriginWrite(req, undefined);
    next();
  };

  route(router, ops.signIn, async ({ req, res, body: input }) => {
    const handle = input.handle.trim().toLowerCase();
    const address = clientAddress(req);
    for (const [limiter, key, what] of [[limits.perHandle, handle, 'this handle'], [limits.perAddress, address, 'this address']] as const) {
      const blocked = await limiter?.exhausted(key);
      if (blocked) throw tooManyRequests(`too many failed sign-ins for ${what}; retry in ${blocked.resetSeconds} s`, blocked.resetSeconds);
    }
    const user = await deps.accounts.userByHandle(handle);
    const usable = user && !user.disabledAt ? user : undefined;
    // The check runs (or its cost is spent) whatever the handle, so timing tells nothing.
    const ok = await deps.passwords.check(usable?.id, input.password);
    if (!ok || !usable) {
      // Guesses at a handle nobody holds count against the address only: they threaten no
      // account, and while Redis is being rebuilt they must not lock the real holder out.
      await Promise.all([user ? limits.perHandle?.consume(handle) : undefined, limits.perAddress?.consume(address)].map((p) => p?.catch(() => undefined)));
      // Never the handle as typed: people type passwords into the wrong field.
      res.locals.log.info({ userId: user?.id, address }, 'sign-in refused');
      throw unauthorized('invalid_credentials', 'wrong handle or password');
    }
    // Rotation: whatever session the browser held before ends, and a new id is issued.
    const previous = readSessionCookie(req.headers.cookie);
    if (previous) {
      const old = await deps.sessions.sessions.resolve(previous);
      if (old) await deps.sessions.sessions.destroy(old);
    }
    const { cookieValue, session } = await deps.sessions.sessions.create(usable.id);
    res.locals.log.info({ userId: usable.id, session: session.sidHash.slice(0, 16) }, 'signed in');
    res.setHeader('Set-Cookie', sessionCookie(cookieValue, { secure: secure(req), maxAgeSeconds: (session.expiresAt - Date.now()) / 1000 }));
    answer(res, usable, session);
  }, { before: [sameOrigin] });

  route(router, ops.getSession, async ({ res }) => {
    const session = res.locals.session;
    const user = session ? await deps.accounts.getUser(session.userId) : undefined;
    if (!session || !user) throw unauthorized('not_signed_in', 'no session: sign in with POST /v1/session');
    answer(res, user, session);
  });

  route(router, ops.signOut, async ({ req, res }) => {
    const session = res.locals.session;
    if (session) {
      await deps.sessions.sessions.destroy(session);
      res.locals.log.info({ userId: session.userId, session: session.sidHash.slice(0, 16) }, 'signed out');
    }
    res.setHeader('Set-Cookie', clearedSessionCookie(secure(req))).status(204).end();
  });

  route(router, ops.revokeAll, async ({ req, res, principal: p }) => {
    const ended = await deps.sessions.sessions.destroyAll(p.userId);
    res.locals.log.info({ userId: p.userId, ended }, 'signed out everywhere');
    if (res.locals.session) res.setHeader('Set-Cookie', clearedSessionCookie(secure(req)));
    res.status(204).end();
  });

  return router;
}

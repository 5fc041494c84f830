import type { Request, RequestHandler } from 'express';
import type { Authenticator } from '../accounts/authenticator.js';
import type { SessionAuthenticator } from '../accounts/session-authenticator.js';
import { readSessionCookie } from '../accounts/session-cookie.js';
import type { Session } from '../accounts/session-store.js';
import { csrfVerdict } from './csrf-check.js';
import { tokensEqual } from './tokens-equal.js';
import { ANONYMOUS, isAdmin, type Principal } from '../accounts/principal.js';
import { hasScope, type Scope } from '../accounts/scopes.js';
import { AppError, forbidden, tooManyRequests, unauthorized } from '../core/errors.js';
import type { ApiRateLimits } from '../ratelimit/api-rate-limits.js';
import { setRateLimitHeaders } from '../ratelimit/rate-limit-headers.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types its locals through this global namespace.
  namespace Express {
    interface Locals {
      principal: Principal;
      /** The session the caller came with (cookie), when they came with one. */
      session?: Session;
    }
  }
}

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Names the caller of every API request (`res.locals.principal`) and spends their rate limit.
 * A presented key that is malformed, unknown, revoked or expired is refused with 401, even on
 * routes open to anonymous callers: a client should learn at once that its key is bad.
 */
export function authenticateRequests(deps: { authenticator: Authenticator; limits: ApiRateLimits; sessions?: SessionAuthenticator }): RequestHandler {
  return async (req, res, next) => {
    const address = clientAddress(req);
    const header = req.headers.authorization;
    let principal: Principal = ANONYMOUS;
    const cookie = header === undefined && deps.sessions && !ignoresSessionCookie(req) ? readSessionCookie(req.headers.cookie) : undefined;
    if (cookie !== undefined) {
      // A key wins over a cookie; a stale or unknown cookie is no one (the route then says 401).
      // While Redis cannot answer, a cookie reads as no one: public pages still load, and a write
      // gets the plain 401 rather than every page failing.
      const found = await deps.sessions!.authenticate(cookie).catch((err: unknown) => {
        res.locals.log.warn({ err }, 'session lookup failed; treating the caller as anonymous');
        return undefined;
      });
      if (found) {
        assertSameOriginWrite(req, found.session.csrfToken);
        principal = found.principal;
        res.locals.session = found.session;
      }
    } else if (header !== undefined) {
      await deps.limits.refuseIfBlocked(address);
      try {
        principal = await deps.authenticator.authenticate(header);
      } catch (err) {
        if (err instanceof AppError && err.status === 401) await deps.limits.authenticationFailed(address);
        throw err;
      }
    }
    res.locals.principal = principal;
    const spent = await deps.limits.spend(principal, address).catch(() => undefined);
    if (spent) {
      setRateLimitHeaders(res, spent);
      if (!spent.allowed) throw tooManyRequests(`rate limit of ${spent.limit} requests per ${spent.windowSeconds} s reached; retry in ${spent.resetSeconds} s`, spent.resetSeconds);
    }
    next();
  };
}

/** Routes whose own credential is in the request (sign-in, a set-password link): a cookie there is not read. */
function ignoresSessionCookie(req: Request): boolean {
  return req.method === 'POST' && (req.path === '/v1/session' || req.path.startsWith('/v1/password-links/'));
}

/** The origin the browser sees for this service: scheme and host of the request. */
export function selfOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** 403 csrf_refused for a cookie-authenticated write that is not provably from the app (see csrf-check.ts). */
export function assertSameOriginWrite(req: Request, expectedToken: string | undefined): void {
  const one = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const verdict = csrfVerdict(
    { method: req.method, expectedToken, tokenHeader: one('x-csrf-token'), secFetchSite: one('sec-fetch-site'), origin: one('origin'), selfOrigin: selfOrigin(req) },
    tokensEqual,
  );
  if (!verdict.ok) throw forbidden('csrf_refused', verdict.reason);
}

/** 401 without a key; 403 when the key lacks the scope. Decided before anything about the resource is read. */
export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    assertScope(res.locals.principal, scope);
    next();
  };
}

export function assertAuthenticated(principal: Principal): asserts principal is Principal & { kind: 'user' } {
  if (principal.kind !== 'user') throw unauthorized('authentication_required', 'this route needs an API key (Authorization: Bearer <key>) or a signed-in session');
}

export function assertScope(principal: Principal, scope: Scope): asserts principal is Principal & { kind: 'user' } {
  assertAuthenticated(principal);
  if (!hasScope(principal.scopes, scope)) throw forbidden('insufficient_scope', `this route needs a key with the ${scope} scope`);
}

/** A key presented on a read route must be allowed to read; anonymous callers pass. */
export function readerOrAnonymous(): RequestHandler {
  return (_req, res, next) => {
    const p = res.locals.principal;
    if (p.kind === 'user' && !hasScope(p.scopes, 'images:read')) throw forbidden('insufficient_scope', 'this route needs a key with the images:read scope');
    next();
  };
}

/** Admin powers: the admin role and a key with the admin scope. */
export function assertAdmin(principal: Principal): asserts principal is Principal & { kind: 'user' } {
  assertScope(principal, 'admin');
  if (!isAdmin(principal)) throw forbidden('admin_required', 'this route is for admins');
}

export function requireAdmin(): RequestHandler {
  return (_req, res, next) => {
    assertAdmin(res.locals.principal);
    next();
  };
}

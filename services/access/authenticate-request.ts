import type { Request, RequestHandler } from 'express';
import type { Authenticator } from '../accounts/authenticator.js';
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
export function authenticateRequests(deps: { authenticator: Authenticator; limits: ApiRateLimits }): RequestHandler {
  return async (req, res, next) => {
    const address = clientAddress(req);
    const header = req.headers.authorization;
    let principal: Principal = ANONYMOUS;
    if (header !== undefined) {
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

/** 401 without a key; 403 when the key lacks the scope. Decided before anything about the resource is read. */
export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    assertScope(res.locals.principal, scope);
    next();
  };
}

export function assertAuthenticated(principal: Principal): asserts principal is Principal & { kind: 'user' } {
  if (principal.kind !== 'user') throw unauthorized('authentication_required', 'this route needs an API key: send Authorization: Bearer <key>');
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

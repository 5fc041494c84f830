import type { RequestHandler } from 'express';
import type { Principal } from '../accounts/principal.js';
import type { ApiOperation } from '../http/openapi/operation.js';
import { routeRegistrar } from '../http/openapi/register-route.js';
import { assertAuthenticated, readerOrAnonymous, requireAdmin, requireScope } from './authenticate-request.js';

/**
 * Who may call an operation, from its `auth` and `scope`: checked before anything about the
 * resource is read. `admin` needs the admin role as well as the scope; an optional-auth read
 * refuses a key without images:read and lets anonymous callers pass.
 */
export function admitCallers(op: Pick<ApiOperation, 'auth' | 'scope' | 'operationId'>): RequestHandler[] {
  switch (op.auth) {
    case 'none':
      return [];
    case 'optional':
      if (op.scope === undefined) return [];
      if (op.scope === 'images:read') return [readerOrAnonymous()];
      break;
    case 'key':
      if (op.scope === undefined) return [requireAuthenticated()];
      return [op.scope === 'admin' ? requireAdmin() : requireScope(op.scope)];
    case 'image':
      break;
  }
  throw new Error(`${op.operationId}: no admission for auth ${op.auth} with scope ${op.scope ?? 'none'} (the /i/ path is origin's raw handler)`);
}

function requireAuthenticated(): RequestHandler {
  return (_req, res, next) => {
    assertAuthenticated(res.locals.principal);
    next();
  };
}

/** `route(router, op, handler)`: the operation's method, path, admission and parsing, from its object. */
export const route = routeRegistrar<Principal>({ admit: admitCallers, principal: (res) => res.locals.principal });

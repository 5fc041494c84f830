import type { Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../accounts/principal.js';
import { AppError } from '../core/errors.js';
import type { ApiOperation } from '../http/openapi/operation.js';
import { admitCallers } from './api-route.js';

const anonymous: Principal = { kind: 'anonymous' };
const user = (scopes: ('images:read' | 'images:write' | 'admin')[], role: 'admin' | 'user' = 'user'): Principal => ({ kind: 'user', userId: 'u', role, keyId: 'k', scopes });

/** What the operation's admission answers this caller: 'pass', or the refusal's status and code. */
function answer(op: Pick<ApiOperation, 'auth' | 'scope'>, principal: Principal): string {
  const chain: RequestHandler[] = admitCallers({ ...op, operationId: 'op' });
  const res = { locals: { principal } } as unknown as Response;
  try {
    for (const step of chain) {
      let passed = false;
      void step({} as Request, res, () => (passed = true));
      if (!passed) return 'stopped';
    }
    return 'pass';
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
  }
}

describe('admitCallers', () => {
  const reader = user(['images:read']);
  const writer = user(['images:read', 'images:write']);
  it.each([
    [{ auth: 'none' }, anonymous, 'pass'],
    [{ auth: 'optional' }, anonymous, 'pass'],
    [{ auth: 'optional', scope: 'images:read' }, anonymous, 'pass'],
    [{ auth: 'optional', scope: 'images:read' }, user(['images:write']), '403 insufficient_scope'],
    [{ auth: 'optional', scope: 'images:read' }, reader, 'pass'],
    [{ auth: 'key' }, anonymous, '401 authentication_required'],
    [{ auth: 'key' }, user([]), 'pass'],
    [{ auth: 'key', scope: 'images:write' }, anonymous, '401 authentication_required'],
    [{ auth: 'key', scope: 'images:write' }, reader, '403 insufficient_scope'],
    [{ auth: 'key', scope: 'images:write' }, writer, 'pass'],
    [{ auth: 'key', scope: 'images:read' }, user(['admin']), 'pass'],
    [{ auth: 'key', scope: 'admin' }, writer, '403 insufficient_scope'],
    // The admin scope alone is not enough: the role must be admin too.
    [{ auth: 'key', scope: 'admin' }, user(['admin'], 'user'), '403 admin_required'],
    [{ auth: 'key', scope: 'admin' }, user(['admin'], 'admin'), 'pass'],
  ] as [Pick<ApiOperation, 'auth' | 'scope'>, Principal, string][])('%o, %o → %s', (op, principal, expected) => {
    expect(answer(op, principal)).toBe(expected);
  });

  it('refuses to register what it cannot admit (the /i/ path, an optional write)', () => {
    expect(() => admitCallers({ auth: 'image', operationId: 'getImageBytes' })).toThrow(/getImageBytes: no admission/);
    expect(() => admitCallers({ auth: 'optional', scope: 'images:write', operationId: 'x' })).toThrow(/no admission/);
  });
});

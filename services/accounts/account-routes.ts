import { Router } from 'express';
import { assertAdmin, assertAuthenticated, assertScope } from '../access/authenticate-request.js';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import { parseBody } from '../http/parse-body.js';
import { parseQuery } from '../http/openapi/parse-request.js';
import { keyIdParams, keysQuery, usersQuery } from './account-operations.js';
import type { AccountStore } from './account-store.js';
import { createKeySchema, createUserSchema, updateMeSchema } from './account-schemas.js';
import { keyState, publicKey } from './api-key.js';
import { isAdmin } from './principal.js';
import { isSubsetOf, scopesForRole } from './scopes.js';
import { publicUser } from './user.js';

/** Users (admin), the caller's own account, and API keys. */
export function accountRoutes(deps: { accounts: AccountStore }): Router {
  const router = Router();
  const { accounts } = deps;

  router.post('/v1/users', async (req, res) => {
    assertAdmin(res.locals.principal);
    const input = parseBody(createUserSchema, req.body);
    const user = await accounts.createUser(input);
    res.locals.log.info({ userId: user.id, handle: user.handle, role: user.role }, 'user created');
    res.status(201).setHeader('Location', `/v1/users/${user.id}`).json(publicUser(user));
  });

  router.get('/v1/users', async (req, res) => {
    assertAdmin(res.locals.principal);
    const query = parseQuery(usersQuery, req, { after: 'invalid_cursor' });
    const limit = query.limit ?? 50;
    const users = await accounts.listUsers(query.after, limit);
    res.setHeader('Cache-Control', 'no-store').json({ items: users.map(publicUser), nextCursor: users.length === limit ? users[users.length - 1]!.id : null });
  });

  router.post('/v1/users/:id/disable', async (req, res) => {
    const p = res.locals.principal;
    assertAdmin(p);
    if (req.params.id === p.userId) throw badRequest('cannot_disable_self', 'an admin cannot disable their own account');
    const user = isImageId(req.params.id) ? await accounts.getUser(req.params.id) : undefined;
    if (!user) throw notFound('user_not_found', `no user with id ${req.params.id}`);
    const disabled = user.disabledAt ? user : await accounts.updateUser(user.id, { disabledAt: new Date().toISOString() });
    res.locals.log.info({ userId: user.id }, 'user disabled');
    res.json(publicUser(disabled));
  });

  router.get('/v1/me', async (_req, res) => {
    const p = res.locals.principal;
    assertAuthenticated(p);
    const user = await accounts.getUser(p.userId);
    if (!user) throw notFound('user_not_found', 'the key names a user that no longer exists');
    res.setHeader('Cache-Control', 'no-store').json({ ...publicUser(user), key: { id: p.keyId, scopes: p.scopes } });
  });

  router.patch('/v1/me', async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const change = parseBody(updateMeSchema, req.body);
    const user = await accounts.updateUser(p.userId, change);
    res.json(publicUser(user));
  });

  router.post('/v1/keys', async (req, res) => {
    const p = res.locals.principal;
    assertAuthenticated(p);
    const input = parseBody(createKeySchema, req.body);
    const forOther = input.userId !== undefined && input.userId !== p.userId;
    if (forOther) assertAdmin(p);
    const user = await accounts.getUser(input.userId ?? p.userId);
    if (!user) throw notFound('user_not_found', `no user with id ${input.userId}`);
    if (user.disabledAt) throw badRequest('user_disabled', 'keys cannot be made for a disabled user');
    // Never wider than the calling key, and never beyond what the target user's role allows.
    if (!isSubsetOf(input.scopes, p.scopes)) throw forbidden('scope_escalation', `a key with scopes ${p.scopes.join(', ')} cannot create a key with scopes ${input.scopes.join(', ')}`);
    if (!isSubsetOf(input.scopes, scopesForRole(user.role))) throw forbidden('scope_escalation', `a ${user.role} cannot hold a key with scopes ${input.scopes.join(', ')}`);
    const expiresAt = input.expiresInSeconds ? new Date(Date.now() + input.expiresInSeconds * 1000) : undefined;
    const { key, token } = await accounts.createKey(user, { name: input.name, scopes: input.scopes, expiresAt });
    res.locals.log.info({ keyId: key.id, userId: user.id, scopes: key.scopes }, 'API key created');
    res.status(201).setHeader('Cache-Control', 'no-store').json({ ...publicKey(key), token, note: 'the token is shown only now: store it safely' });
  });

  router.get('/v1/keys', async (req, res) => {
    const p = res.locals.principal;
    assertAuthenticated(p);
    const userId = parseQuery(keysQuery, req).userId ?? p.userId;
    if (userId !== p.userId) assertAdmin(p);
    const keys = await accounts.listKeys(userId);
    const now = Date.now();
    res.setHeader('Cache-Control', 'no-store').json({ items: keys.map((k) => ({ ...publicKey(k), state: keyState(k, now) })) });
  });

  router.delete('/v1/keys/:id', async (req, res) => {
    const p = res.locals.principal;
    assertAuthenticated(p);
    const key = keyIdParams.safeParse(req.params).success ? await accounts.getKey(req.params.id) : undefined;
    // Another user's key is as unknown as a key that does not exist.
    if (!key || (key.userId !== p.userId && !isAdmin(p))) throw notFound('key_not_found', `no key with id ${req.params.id}`);
    const revoked = await accounts.revokeKey(key);
    res.locals.log.info({ keyId: key.id, userId: key.userId }, 'API key revoked');
    res.json({ ...publicKey(revoked), state: 'revoked' });
  });

  return router;
}

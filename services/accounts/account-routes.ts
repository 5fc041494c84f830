import { Router } from 'express';
import { route } from '../access/api-route.js';
import { assertAdmin } from '../access/authenticate-request.js';
import { check, isCaller } from '../access/permissions.js';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import { accountOperations as ops, keyIdParams } from './account-operations.js';
import type { AccountStore } from './account-store.js';
import { childExpiry, keyState, publicKey } from './api-key.js';
import { isSubsetOf, scopesForRole } from './scopes.js';
import { publicUser } from './user.js';

/** Users (admin), the caller's own account, and API keys. */
export function accountRoutes(deps: { accounts: AccountStore }): Router {
  const router = Router();
  const { accounts } = deps;

  route(router, ops.createUser, async ({ res, body }) => {
    const user = await accounts.createUser(body);
    res.locals.log.info({ userId: user.id, handle: user.handle, role: user.role }, 'user created');
    res.status(201).setHeader('Location', `/v1/users/${user.id}`).json(publicUser(user));
  });

  route(router, ops.listUsers, async ({ res, query }) => {
    const limit = query.limit ?? 50;
    const users = await accounts.listUsers(query.after, limit);
    res.setHeader('Cache-Control', 'no-store').json({ items: users.map(publicUser), nextCursor: users.length === limit ? users[users.length - 1]!.id : null });
  });

  route(router, ops.disableUser, async ({ res, principal: p, params }) => {
    const { id } = params;
    if (isCaller(p, id)) throw badRequest('cannot_disable_self', 'an admin cannot disable their own account');
    const user = isImageId(id) ? await accounts.getUser(id) : undefined;
    if (!user) throw notFound('user_not_found', `no user with id ${id}`);
    const disabled = user.disabledAt ? user : await accounts.updateUser(user.id, { disabledAt: new Date().toISOString() });
    res.locals.log.info({ userId: user.id }, 'user disabled');
    res.json(publicUser(disabled));
  });

  route(router, ops.me, async ({ res, principal: p }) => {
    const user = await accounts.getUser(p.userId);
    if (!user) throw notFound('user_not_found', 'the key names a user that no longer exists');
    res.setHeader('Cache-Control', 'no-store').json({ ...publicUser(user), key: p.sessionId ? null : { id: p.keyId, scopes: p.scopes } });
  });

  route(router, ops.updateMe, async ({ res, principal: p, body }) => {
    const user = await accounts.updateUser(p.userId, body);
    res.json(publicUser(user));
  });

  route(router, ops.createKey, async ({ res, principal: p, body: input }) => {
    const forOther = input.userId !== undefined && !isCaller(p, input.userId);
    if (check('keys.manage', p, { userId: input.userId ?? p.userId }) !== 'allow') assertAdmin(p);
    const user = await accounts.getUser(input.userId ?? p.userId);
    if (!user) throw notFound('user_not_found', `no user with id ${input.userId}`);
    if (user.disabledAt) throw badRequest('user_disabled', 'keys cannot be made for a disabled user');
    // Never wider than the calling key, and never beyond what the target user's role allows.
    if (!isSubsetOf(input.scopes, p.scopes)) throw forbidden('scope_escalation', `a key with scopes ${p.scopes.join(', ')} cannot create a key with scopes ${input.scopes.join(', ')}`);
    if (!isSubsetOf(input.scopes, scopesForRole(user.role))) throw forbidden('scope_escalation', `a ${user.role} cannot hold a key with scopes ${input.scopes.join(', ')}`);
    // Never past the calling key's own expiry; a key minted for the caller is the calling key's
    // child and is revoked with it. A key an admin makes for someone else is that user's own.
    const minting = await accounts.getKey(p.keyId);
    const requested = input.expiresInSeconds ? new Date(Date.now() + input.expiresInSeconds * 1000) : undefined;
    const expiresAt = childExpiry(minting, requested);
    const { key, token } = await accounts.createKey(user, { name: input.name, scopes: input.scopes, expiresAt, parentId: forOther ? undefined : p.keyId });
    res.locals.log.info({ keyId: key.id, userId: user.id, scopes: key.scopes }, 'API key created');
    res.status(201).setHeader('Cache-Control', 'no-store').json({ ...publicKey(key), token, note: 'the token is shown only now: store it safely' });
  });

  route(router, ops.listKeys, async ({ res, principal: p, query }) => {
    const userId = query.userId ?? p.userId;
    // Someone else's keys: refused with the admin routes' own 401/403.
    if (check('keys.manage', p, { userId }) !== 'allow') assertAdmin(p);
    const keys = await accounts.listKeys(userId);
    const now = Date.now();
    res.setHeader('Cache-Control', 'no-store').json({ items: keys.map((k) => ({ ...publicKey(k), state: keyState(k, now) })) });
  });

  route(router, ops.revokeKey, async ({ res, principal: p, params }) => {
    // The operation takes any text for :id: a malformed key id is the same 404 as an unknown one.
    const key = keyIdParams.safeParse(params).success ? await accounts.getKey(params.id) : undefined;
    // Another user's key is as unknown as a key that does not exist.
    if (!key || check('key.revoke', p, { key }) !== 'allow') throw notFound('key_not_found', `no key with id ${params.id}`);
    const revoked = await accounts.revokeKey(key);
    res.locals.log.info({ keyId: key.id, userId: key.userId }, 'API key revoked');
    res.json({ ...publicKey(revoked), state: 'revoked' });
  });

  return router;
}

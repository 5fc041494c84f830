import { Router } from 'express';
import { assertScope } from '../access/authenticate-request.js';
import { badRequest, notFound } from '../core/errors.js';
import { parseParams } from '../http/openapi/parse-request.js';
import { viewerParams } from './viewer-operations.js';
import type { AccountStore } from './account-store.js';
import { publicUser } from './user.js';
import type { ViewerGrants } from './viewer-grants.js';

/** The caller's viewers: users granted every one of the caller's private images. */
export function viewerRoutes(deps: { accounts: AccountStore; grants: ViewerGrants }): Router {
  const router = Router();

  async function viewer(id: string, ownerId: string) {
    if (id === ownerId) throw badRequest('cannot_grant_self', 'an owner always sees their own images');
    const user = await deps.accounts.getUser(id);
    if (!user) throw notFound('user_not_found', `no user with id ${id}`);
    return user;
  }

  router.put('/v1/me/viewers/:userId', async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const user = await viewer(parseParams(viewerParams, req).userId, p.userId);
    await deps.grants.grant(p.userId, user.id);
    res.locals.log.info({ ownerId: p.userId, viewerId: user.id }, 'viewer granted');
    res.json({ ownerId: p.userId, viewer: publicUser(user) });
  });

  router.delete('/v1/me/viewers/:userId', async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const { userId } = parseParams(viewerParams, req);
    await deps.grants.revoke(p.userId, userId);
    res.locals.log.info({ ownerId: p.userId, viewerId: userId }, 'viewer revoked');
    res.status(204).end();
  });

  router.get('/v1/me/viewers', async (_req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:read');
    const users = await deps.accounts.getUsers(await deps.grants.viewersOf(p.userId));
    res.setHeader('Cache-Control', 'no-store').json({ items: users.map(publicUser) });
  });

  return router;
}

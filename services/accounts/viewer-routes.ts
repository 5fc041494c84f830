import { Router } from 'express';
import { route } from '../access/api-route.js';
import { isCaller } from '../access/permissions.js';
import type { Principal } from './principal.js';
import { badRequest, notFound } from '../core/errors.js';
import { viewerOperations as ops } from './viewer-operations.js';
import type { AccountStore } from './account-store.js';
import { publicUser } from './user.js';
import { userByIdOrHandle } from './people.js';
import { isImageId } from '../core/ids.js';
import type { ViewerGrants } from './viewer-grants.js';

/** The caller's viewers: users granted every one of the caller's private images. */
export function viewerRoutes(deps: { accounts: AccountStore; grants: ViewerGrants }): Router {
  const router = Router();

  async function viewer(idOrHandle: string, caller: Principal) {
    const user = await userByIdOrHandle(deps.accounts, idOrHandle);
    if (!user) throw notFound('user_not_found', `no user with id or handle ${JSON.stringify(idOrHandle)}`);
    if (isCaller(caller, user.id)) throw badRequest('cannot_grant_self', 'an owner always sees their own images');
    return user;
  }

  route(router, ops.grant, async ({ res, principal: p, params }) => {
    const user = await viewer(params.userId, p);
    await deps.grants.grant(p.userId, user.id);
    res.locals.log.info({ ownerId: p.userId, viewerId: user.id }, 'viewer granted');
    res.json({ ownerId: p.userId, viewer: publicUser(user) });
  });

  route(router, ops.revoke, async ({ res, principal: p, params }) => {
    const given = params.userId;
    // A handle names whoever holds it now; an id works even for a deleted user's leftover grant.
    const userId = isImageId(given) ? given : (await userByIdOrHandle(deps.accounts, given))?.id;
    if (userId) await deps.grants.revoke(p.userId, userId);
    res.locals.log.info({ ownerId: p.userId, viewerId: userId }, 'viewer revoked');
    res.status(204).end();
  });

  route(router, ops.list, async ({ res, principal: p }) => {
    const users = await deps.accounts.getUsers(await deps.grants.viewersOf(p.userId));
    res.setHeader('Cache-Control', 'no-store').json({ items: users.map(publicUser) });
  });

  return router;
}

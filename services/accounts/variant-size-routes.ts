import { Router } from 'express';
import { route } from '../access/api-route.js';
import { notFound } from '../core/errors.js';
import type { AccountStore } from './account-store.js';
import { variantSizeOperations as ops } from './variant-size-operations.js';

/**
 * The caller's own allowed sizes: the explicit sizes anyone may ask of their images exactly
 * (issue 21, item 6). Kept on the user object, so they are in storage and survive a Redis wipe;
 * the change reaches every origin pod through the invalidation bus ('user').
 */
export function variantSizeRoutes(deps: { accounts: AccountStore }): Router {
  const router = Router();

  route(router, ops.getVariantSizes, async ({ res, principal: p }) => {
    const user = await deps.accounts.getUser(p.userId);
    if (!user) throw notFound('user_not_found', 'the key names a user that no longer exists');
    res.setHeader('Cache-Control', 'no-store').json({ sizes: user.variantSizes ?? [] });
  });

  route(router, ops.setVariantSizes, async ({ res, principal: p, body: { sizes } }) => {
    const user = await deps.accounts.updateUser(p.userId, { variantSizes: sizes });
    res.locals.log.info({ userId: p.userId, sizes }, 'variant sizes set');
    res.json({ sizes: user.variantSizes ?? [] });
  });

  return router;
}

import { Router } from 'express';
import { route } from '../access/api-route.js';
import { selfOrigin } from '../access/authenticate-request.js';
import { notFound } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { AccountStore } from './account-store.js';
import type { PasswordStore } from './password-store.js';
import { sessionOperations as ops } from './session-operations.js';
import { sessionUser } from './session-routes.js';
import type { SessionStore } from './session-store.js';

/** Where a set-password link points: the app's page, the token in the fragment (never sent to a server, so never logged). */
export function passwordLinkUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/app/set-password#${token}`;
}

/** Setting a password from a one-time link, and the admin's invitation and reset links. */
export function passwordRoutes(deps: { accounts: AccountStore; passwords: PasswordStore; sessions: SessionStore; linkTtlMs: number }): Router {
  const router = Router();

  route(router, ops.usePasswordLink, async ({ res, params, body: { password } }) => {
    const userId = await deps.passwords.useLink(params.token, password);
    // A new password ends every session made with the old one.
    await deps.sessions.destroyAll(userId);
    const user = (await deps.accounts.getUser(userId)) ?? (await deps.accounts.getUserFromStorage(userId));
    if (!user) throw notFound('link_not_found', 'this link is unknown, used or expired: ask for a new one');
    res.locals.log.info({ userId }, 'password set from a link');
    res.setHeader('Cache-Control', 'no-store').json({ user: sessionUser(user) });
  });

  route(router, ops.createPasswordLink, async ({ req, res, principal, params }) => {
    const user = isImageId(params.id) ? await deps.accounts.getUser(params.id) : undefined;
    if (!user) throw notFound('user_not_found', `no user with id ${params.id}`);
    const { token, expiresAt } = await deps.passwords.createLink(user.id, deps.linkTtlMs);
    res.locals.log.info({ userId: user.id, by: principal.userId }, 'password link made');
    res.status(201).setHeader('Cache-Control', 'no-store').json({ url: passwordLinkUrl(selfOrigin(req), token), expiresAt });
  });

  return router;
}

import type express from 'express';
import { accountRoutes } from '../accounts/account-routes.js';
import { passwordRoutes } from '../accounts/password-routes.js';
import { peopleRoutes } from '../accounts/people-routes.js';
import { sessionRoutes } from '../accounts/session-routes.js';
import { variantSizeRoutes } from '../accounts/variant-size-routes.js';
import { viewerRoutes } from '../accounts/viewer-routes.js';
import { EventReader } from '../events/event-reader.js';
import { eventRoutes } from '../events/event-routes.js';
import { Limiter } from '../ratelimit/limiter.js';
import type { AppDeps } from './app-deps.js';

/** The routes every role serves: sessions, passwords, people, keys, variant sizes, events, viewers. */
export function mountAccountRoutes(app: express.Express, deps: Pick<AppDeps, 'config' | 'redis' | 'access'>): void {
  const { config, access, redis } = deps;
  app.use(
    sessionRoutes({
      accounts: access.accounts,
      passwords: access.passwords,
      sessions: access.sessions,
      limits: {
        perHandle: config.loginLimitPerHandle === 'off' ? undefined : new Limiter(redis, 'login-handle', config.loginLimitPerHandle),
        perAddress: config.loginLimitPerAddress === 'off' ? undefined : new Limiter(redis, 'login-addr', config.loginLimitPerAddress),
      },
      cookieSecure: config.sessionCookieSecure,
    }),
  );
  app.use(passwordRoutes({ accounts: access.accounts, passwords: access.passwords, sessions: access.sessions.sessions, linkTtlMs: config.passwordLinkTtlMs }));
  app.use(peopleRoutes({ redis, accounts: access.accounts, passwords: access.passwords, sessions: access.sessions.sessions, writer: access.writer }));
  app.use(accountRoutes({ accounts: access.accounts }));
  app.use(variantSizeRoutes({ accounts: access.accounts }));
  app.use(eventRoutes({ reader: new EventReader(redis) }));
  app.use(viewerRoutes({ accounts: access.accounts, grants: access.grants }));
}

import type express from 'express';
import { AlbumGuard } from '../access/album-guard.js';
import { AnalyticsQueries } from '../analytics/analytics-queries.js';
import { analyticsRoutes } from '../analytics/analytics-routes.js';
import { deliveryRoutes } from '../events/webhooks/delivery-routes.js';
import { DeliveryStore } from '../events/webhooks/delivery-store.js';
import { webhookRoutes } from '../events/webhooks/webhook-routes.js';
import { imageRoutes } from '../images/image-routes.js';
import { downloadRoutes } from '../origin/download-routes.js';
import { Limiter } from '../ratelimit/limiter.js';
import { SearchIndex } from '../search/search-index.js';
import { searchRoutes } from '../search/search-routes.js';
import { albumRoutes } from '../sharing/album-routes.js';
import { commentRoutes } from '../sharing/comment-routes.js';
import { favoriteRoutes } from '../sharing/favorite-routes.js';
import { ImageListing } from '../sharing/image-listing.js';
import { lifecycleRoutes } from '../sharing/lifecycle-routes.js';
import { notificationRoutes } from '../sharing/notification-routes.js';
import type { AppDeps } from './app-deps.js';
import type { ImageView } from './image-view.js';

/** The API over stored images, for the roles that serve it: trash, metadata, sharing, search, webhooks, analytics, downloads. */
export function mountImageApi(app: express.Express, deps: AppDeps, view: ImageView): void {
  const { config, access, redis, index, store, events } = deps;
  const { albums, comments, favorites, notifications, leases } = deps.sharing;
  const ring = access.signer.ring;
  app.use(
    lifecycleRoutes({
      listing: new ImageListing(redis, index, access.guard),
      guard: access.guard,
      writer: access.writer,
      index,
      store,
      ring,
      erase: { redis, index, store, bus: access.bus, logger: deps.logger, analyticsRetentionDays: config.analyticsRetentionDays, events },
      eraseAfterSeconds: config.eraseAfterSeconds,
      view,
    }),
  );
  app.use(imageRoutes({ index, guard: access.guard, writer: access.writer, signer: access.signer, publicBaseUrl: config.publicBaseUrl, view, favorites, comments }));
  app.use(
    commentRoutes({
      redis,
      comments,
      guard: access.guard,
      ring,
      accounts: access.accounts,
      limiter: config.commentRate === 'off' ? undefined : new Limiter(redis, 'comments', config.commentRate),
    }),
  );
  app.use(notificationRoutes({ redis, notifications, guard: access.guard, ring, accounts: access.accounts }));
  app.use(favoriteRoutes({ redis, favorites, guard: access.guard, ring, view }));
  app.use(albumRoutes({ redis, albums, albumGuard: new AlbumGuard(albums, access.guard, { redis, grants: access.grants, indexIntact: async () => (await index.sentinel()) !== undefined }), guard: access.guard, ring, view }));
  app.use(searchRoutes({ search: new SearchIndex(redis, index, access.guard, access.grants), accounts: access.accounts, ring, view }));
  const hooks = { ...deps.webhooks, allow: config.webhookAllowPrivate };
  app.use(webhookRoutes(hooks));
  app.use(deliveryRoutes({ ...hooks, deliveries: new DeliveryStore(redis, config.redisShards), ring }));
  app.use(analyticsRoutes({ queries: new AnalyticsQueries(redis), guard: access.guard }));
  app.use(
    downloadRoutes({
      store,
      guard: access.guard,
      accounts: access.accounts,
      leases,
      recorder: deps.recorder,
      httpMetrics: deps.httpMetrics,
      cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
    }),
  );
}

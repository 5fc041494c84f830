import express from 'express';
import { AnalyticsQueries } from '../analytics/analytics-queries.js';
import { analyticsRoutes } from '../analytics/analytics-routes.js';
import type { Redis } from 'ioredis';
import type { RequestRecorder } from '../analytics/request-recorder.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { WorkTracker } from '../core/work-tracker.js';
import type { ImageIndex } from '../images/image-index.js';
import { imageRoutes } from '../images/image-routes.js';
import type { RecordCache } from '../images/record-cache.js';
import { downloadRoutes } from '../origin/download-routes.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { createUploadMetrics } from '../upload/upload-metrics.js';
import { uploadRoutes } from '../upload/upload-routes.js';
import { cors } from './cors.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { healthRoutes, type CheckResult } from './health-routes.js';
import type { HttpMetrics } from './http-metrics.js';
import { requestContext } from './request-context.js';
import { authenticateRequests } from '../access/authenticate-request.js';
import { withSignedUrls } from '../access/signed-urls.js';
import { accountRoutes } from '../accounts/account-routes.js';
import { viewerRoutes } from '../accounts/viewer-routes.js';
import { publicView, type ImageRecord } from '../images/image-record.js';
import type { AccessParts } from '../runtime/compose-access.js';
import { publicBaseUrl } from './base-url.js';
import { ImageListing } from '../sharing/image-listing.js';
import { lifecycleRoutes } from '../sharing/lifecycle-routes.js';
import { DownloadLeases } from '../sharing/download-leases.js';
import { AlbumGuard } from '../access/album-guard.js';
import { albumRoutes } from '../sharing/album-routes.js';
import { AlbumStore } from '../sharing/album-store.js';
import { favoriteRoutes } from '../sharing/favorite-routes.js';
import { apiDocument } from '../runtime/api-operations.js';
import { docsRoutes } from './openapi/docs-routes.js';
import { Favorites } from '../sharing/favorites.js';
import { EventReader } from '../events/event-reader.js';
import { eventRoutes } from '../events/event-routes.js';
import type { EventSink } from '../events/event-sink.js';
import { commentRoutes } from '../sharing/comment-routes.js';
import { Comments } from '../sharing/comments.js';
import { notificationRoutes } from '../sharing/notification-routes.js';
import { notificationsFor } from '../sharing/notifications.js';
import { Limiter } from '../ratelimit/limiter.js';
import { SearchIndex } from '../search/search-index.js';
import { searchRoutes } from '../search/search-routes.js';
import type { EndpointStore } from '../events/webhooks/endpoint-store.js';
import type { SecretBox } from '../events/webhooks/secret-box.js';
import { webhookRoutes } from '../events/webhooks/webhook-routes.js';
import { deliveryRoutes } from '../events/webhooks/delivery-routes.js';
import { DeliveryStore } from '../events/webhooks/delivery-store.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  store: ObjectStore;
  index: ImageIndex;
  records: RecordCache;
  telemetry: Telemetry;
  httpMetrics: HttpMetrics;
  recorder: RequestRecorder;
  tmpDir: string;
  work: WorkTracker;
  decodeConcurrency: number;
  probeTimeoutSeconds: number;
  isAccepting: () => boolean;
  access: AccessParts;
  /** Where the sharing writers append their events (the index has the same one). */
  events: EventSink;
  /** Webhook endpoints and the key that seals their secrets. */
  webhooks: { endpoints: EndpointStore; box: SecretBox };
  roleChecks?: () => Record<string, CheckResult>;
  /** Finds a record in storage while the index is not known intact (lost with Redis, being rebuilt). */
  recordFallback?: (id: string) => Promise<ImageRecord | undefined>;
}

/** The Express app for everything but the hot `/i/<id>` path: API, downloads, health, metrics. */
export function buildApp(deps: AppDeps): express.Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  app.use(requestContext({ logger: deps.logger, metrics: deps.httpMetrics }));
  app.use(cors(config.corsOrigins));
  app.use(
    healthRoutes({
      redis: deps.redis,
      store: deps.store,
      telemetry: deps.telemetry,
      role: config.role,
      isAccepting: deps.isAccepting,
      ...(deps.roleChecks ? { roleChecks: deps.roleChecks } : {}),
    }),
  );
  // The API description and its page are static and open, like the probes.
  app.use(docsRoutes(apiDocument()));
  const { access } = deps;
  // Health, readiness, metrics and the docs stay open and unlimited (probes and scrapers carry no key).
  app.use(authenticateRequests({ authenticator: access.authenticator, limits: access.limits }));
  app.use(express.json({ limit: '64kb', strict: true }));
  const view = (record: ImageRecord, req: express.Request) => {
    const base = publicBaseUrl(req, config.publicBaseUrl);
    return withSignedUrls(publicView(record, base), record, base, access.signer);
  };
  app.use(accountRoutes({ accounts: access.accounts }));
  app.use(eventRoutes({ reader: new EventReader(deps.redis) }));
  app.use(viewerRoutes({ accounts: access.accounts, grants: access.grants }));
  const serves = (role: string) => config.role === 'all' || config.role === role;
  if (serves('upload')) {
    app.use(
      uploadRoutes({
        store: deps.store,
        index: deps.index,
        metrics: createUploadMetrics(deps.telemetry.meter),
        tmpDir: deps.tmpDir,
        maxUploadBytes: config.maxUploadBytes,
        limits: {
          maxPixels: config.maxPixels,
          maxFrames: config.maxFrames,
          maxAnimationPixels: config.maxAnimationPixels,
          timeoutSeconds: deps.probeTimeoutSeconds,
          validation: config.uploadValidation,
        },
        decodeConcurrency: deps.decodeConcurrency,
        publicBaseUrl: config.publicBaseUrl,
        work: deps.work,
        accounts: access.accounts,
        view,
        idleTimeoutMs: config.uploadIdleTimeoutMs,
        maxConcurrentUploads: config.maxConcurrentUploads,
      }),
    );
  }
  if (serves('upload') || serves('origin')) {
    app.use(
      lifecycleRoutes({
        listing: new ImageListing(deps.redis, deps.index, access.guard, access.grants),
        guard: access.guard,
        writer: access.writer,
        index: deps.index,
        store: deps.store,
        ring: access.signer.ring,
        erase: { redis: deps.redis, index: deps.index, store: deps.store, bus: access.bus, logger: deps.logger, analyticsRetentionDays: config.analyticsRetentionDays, events: deps.events },
        eraseAfterSeconds: config.eraseAfterSeconds,
        view,
      }),
    );
    const favorites = new Favorites(deps.redis, deps.store, deps.events);
    const albums = new AlbumStore(deps.redis, deps.store, deps.events);
    const comments = new Comments(deps.redis, deps.store, deps.events);
    app.use(imageRoutes({ index: deps.index, guard: access.guard, writer: access.writer, signer: access.signer, publicBaseUrl: config.publicBaseUrl, view, favorites, comments }));
    app.use(
      commentRoutes({
        redis: deps.redis,
        comments,
        guard: access.guard,
        ring: access.signer.ring,
        limiter: config.commentRate === 'off' ? undefined : new Limiter(deps.redis, 'comments', config.commentRate),
      }),
    );
    app.use(notificationRoutes({ redis: deps.redis, notifications: notificationsFor(deps.redis, config), guard: access.guard, ring: access.signer.ring }));
    app.use(favoriteRoutes({ redis: deps.redis, favorites, guard: access.guard, ring: access.signer.ring, view }));
    app.use(albumRoutes({ redis: deps.redis, albums, albumGuard: new AlbumGuard(albums, access.guard), guard: access.guard, ring: access.signer.ring, view }));
    app.use(searchRoutes({ search: new SearchIndex(deps.redis, deps.index, access.guard, access.grants), accounts: access.accounts, ring: access.signer.ring, view }));
    const hooks = { ...deps.webhooks, allow: config.webhookAllowPrivate };
    app.use(webhookRoutes(hooks));
    app.use(deliveryRoutes({ ...hooks, deliveries: new DeliveryStore(deps.redis), ring: access.signer.ring }));
    app.use(analyticsRoutes({ queries: new AnalyticsQueries(deps.redis), guard: access.guard }));
    app.use(
      downloadRoutes({
        store: deps.store,
        guard: access.guard,
        accounts: access.accounts,
        leases: new DownloadLeases(deps.redis, config.fullResolutionStreams),
        recorder: deps.recorder,
        httpMetrics: deps.httpMetrics,
        cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
      }),
    );
  }
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}

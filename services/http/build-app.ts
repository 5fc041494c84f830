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
import { errorHandler, notFoundHandler } from './error-handler.js';
import { healthRoutes } from './health-routes.js';
import type { HttpMetrics } from './http-metrics.js';
import { requestContext } from './request-context.js';

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
}

/** The Express app for everything but the hot `/i/<id>` path: API, downloads, health, metrics. */
export function buildApp(deps: AppDeps): express.Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requestContext({ logger: deps.logger, metrics: deps.httpMetrics }));
  app.use(
    healthRoutes({
      redis: deps.redis,
      store: deps.store,
      telemetry: deps.telemetry,
      role: config.role,
      isAccepting: deps.isAccepting,
    }),
  );
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
        },
        decodeConcurrency: deps.decodeConcurrency,
        publicBaseUrl: config.publicBaseUrl,
        work: deps.work,
      }),
    );
  }
  if (serves('upload') || serves('origin')) {
    app.use(imageRoutes({ index: deps.index, publicBaseUrl: config.publicBaseUrl }));
    app.use(analyticsRoutes({ queries: new AnalyticsQueries(deps.redis), index: deps.index }));
    app.use(
      downloadRoutes({
        store: deps.store,
        records: deps.records,
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

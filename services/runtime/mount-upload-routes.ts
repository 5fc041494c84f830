import type express from 'express';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { AlbumGuard } from '../access/album-guard.js';
import { actorOf } from '../accounts/principal.js';
import { tusRoutes } from '../upload/resumable/tus-routes.js';
import { createUploadMetrics } from '../upload/upload-metrics.js';
import { uploadRoutes } from '../upload/upload-routes.js';
import type { AppDeps } from './app-deps.js';
import type { ImageView } from './image-view.js';

/** `POST /v1/images` and the resumable (tus) uploads, for the roles that take uploads. */
export function mountUploadRoutes(app: express.Express, deps: AppDeps, view: ImageView): void {
  const { config, access } = deps;
  const metrics = createUploadMetrics(deps.telemetry.meter);
  const probeLimits = {
    maxPixels: config.maxPixels,
    maxFrames: config.maxFrames,
    maxAnimationPixels: config.maxAnimationPixels,
    timeoutSeconds: deps.probeTimeoutSeconds,
    validation: config.uploadValidation,
  };
  app.use(
    uploadRoutes({
      store: deps.store,
      index: deps.index,
      metrics,
      tmpDir: deps.tmpDir,
      maxUploadBytes: config.maxUploadBytes,
      limits: probeLimits,
      decodeConcurrency: deps.decodeConcurrency,
      publicBaseUrl: config.publicBaseUrl,
      work: deps.work,
      accounts: access.accounts,
      view,
      idleTimeoutMs: config.uploadIdleTimeoutMs,
      maxConcurrentUploads: config.maxConcurrentUploads,
      readopt: deps.durability?.readopt,
      afterPivot: deps.durability?.afterPivot,
      uploadsPerKey: config.uploadsPerKey,
      uploadsPerAddress: config.uploadsPerAddress,
      uploadTotalTimeoutMs: config.uploadTotalTimeoutMs,
    }),
  );
  const { albums } = deps.sharing;
  const albumGuard = new AlbumGuard(albums, access.guard);
  app.use(
    tusRoutes({
      redis: deps.redis,
      store: deps.store,
      index: deps.index,
      accounts: access.accounts,
      logger: deps.logger,
      tmpDir: deps.tmpDir,
      partsDir: join(deps.tmpDir, '..', 'tus'),
      maxUploadBytes: config.maxUploadBytes,
      open: { maxOpen: config.tusMaxOpenUploads, maxBytes: config.tusMaxOpenBytes },
      expiryMs: config.tusExpiryMs,
      sweepMs: config.tusSweepMs,
      decodeLimit: pLimit(deps.decodeConcurrency),
      probeLimits,
      view,
      metrics,
      albums: {
        check: async (p, albumId) => void (await albumGuard.manage(p, albumId)),
        add: async (p, albumId, imageId) => {
          const album = await albumGuard.manage(p, albumId);
          await albums.update(album.id, (current) => (current.imageIds.includes(imageId) ? current : { ...current, imageIds: [...current.imageIds, imageId], updatedAt: new Date().toISOString() }), actorOf(p));
        },
      },
    }).router,
  );
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecorder } from '../analytics/request-recorder.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import type { WorkTracker } from '../core/work-tracker.js';
import type { HttpMetrics } from '../http/http-metrics.js';
import type { RecordCache } from '../images/record-cache.js';
import { createOriginMetrics } from '../origin/origin-metrics.js';
import { publicImageHandler } from '../origin/public-image-handler.js';
import { VariantLoader } from '../origin/variant-loader.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { AccessParts } from './compose-access.js';
import { ImageGuard } from '../access/image-guard.js';
import { MinterCheck } from '../access/minter-check.js';
import type { DownloadLeases } from '../origin/download-leases.js';
import { OwnerSizes } from '../origin/owner-sizes.js';

/** Composes the origin's hot path: negotiation, the variant loader and its metrics. */
export function createPublicImages(deps: {
  config: Config;
  store: ObjectStore;
  records: RecordCache;
  recorder: RequestRecorder;
  httpMetrics: HttpMetrics;
  telemetry: Telemetry;
  work: WorkTracker;
  logger: Logger;
  access: AccessParts;
  /** The same leases as the download route's (runtime/sharing-parts.ts). */
  leases: DownloadLeases;
  budget: MemoryBudget;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { config } = deps;
  const originMetrics = createOriginMetrics(deps.telemetry.meter, deps.telemetry.fast);
  const loader = new VariantLoader(deps.store, {
    hotCacheBytes: config.hotCacheBytes,
    transformConcurrency: config.transformConcurrency,
    transformQueue: config.transformQueue,
    limits: { maxPixels: config.maxPixels, timeoutSeconds: config.transformTimeoutSeconds },
    budget: deps.budget,
    failureTtlSeconds: config.transformFailureTtlSeconds,
    onTransform: (format, seconds) => originMetrics.transformDuration.record(seconds, { format }),
    onTransformFailure: (_format, reason) => originMetrics.transformFailures.add(1, { reason }),
  });
  return publicImageHandler({
    records: deps.records,
    loader,
    presets: config.eagerPresets,
    recorder: deps.recorder,
    httpMetrics: deps.httpMetrics,
    originMetrics,
    cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
    work: deps.work,
    logger: deps.logger,
    authenticator: deps.access.authenticator,
    // The hot path decides from the cached record, which invalidations keep current on every pod.
    guard: new ImageGuard((id) => deps.records.get(id), deps.access.grants),
    keyRing: deps.access.signer.ring,
    signedUrlMaxTtlSeconds: config.signedUrlMaxTtlSeconds,
    minters: new MinterCheck(deps.access.accounts, deps.access.grants, deps.access.bus),
    delegatedMaxAgeSeconds: config.signedUrlDelegatedMaxAgeSeconds,
    leases: deps.leases,
    fullResMinWidth: config.fullResMinWidth,
    ownerSizes: new OwnerSizes(deps.access.accounts, config.variantSizes, deps.access.bus),
  });
}

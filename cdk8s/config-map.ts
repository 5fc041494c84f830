import { createHash } from 'node:crypto';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { metadata, objectName, type BuildInput } from './build-input.js';

/**
 * The service's settings that are not secret, as the IMGSVC_* variables its config module reads.
 * Every role reads the same ConfigMap, so the roles can never disagree about presets or limits.
 */
export function serviceSettings(input: BuildInput): Record<string, string> {
  const { spec } = input;
  const { s3 } = spec.storage;
  const c = spec.config;
  const env: Record<string, string | undefined> = {
    IMGSVC_HOST: '0.0.0.0',
    IMGSVC_PORT: String(HTTP_PORT),
    IMGSVC_DATA_DIR: DATA_DIR,
    IMGSVC_STORAGE: 's3',
    IMGSVC_S3_BUCKET: s3.bucket,
    IMGSVC_S3_REGION: s3.region,
    IMGSVC_S3_ENDPOINT: s3.endpoint,
    IMGSVC_S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
    IMGSVC_S3_PREFIX: s3.prefix,
    IMGSVC_S3_CHECKSUMS: s3.checksums === 'WhenRequired' ? 'when_required' : 'when_supported',
    IMGSVC_PUBLIC_BASE_URL: spec.publicBaseUrl,
    IMGSVC_EAGER_PRESETS: c.eagerPresets,
    IMGSVC_MAX_UPLOAD_BYTES: c.maxUploadBytes,
    IMGSVC_MAX_PIXELS: c.maxPixels?.toString(),
    IMGSVC_CACHE_MAX_AGE: c.cacheMaxAgeSeconds?.toString(),
    IMGSVC_HOT_CACHE_BYTES: c.hotCacheBytes,
    IMGSVC_ANALYTICS: c.analytics ? 'on' : 'off',
    IMGSVC_ANALYTICS_RETENTION_DAYS: c.analyticsRetentionDays?.toString(),
    IMGSVC_LOG_LEVEL: c.logLevel,
    IMGSVC_TRANSFORM_MEMORY_BUDGET: c.transformMemoryBudget,
    IMGSVC_UPLOAD_VALIDATION: c.uploadValidation,
    IMGSVC_ERASE_AFTER: c.eraseAfter,
    IMGSVC_TRUST_PROXY: c.trustProxyHops?.toString(),
    IMGSVC_CORS_ORIGINS: c.corsOrigins,
    IMGSVC_FULL_RES_STREAMS: c.fullResolutionStreams?.toString(),
    IMGSVC_EVENT_RETENTION: c.eventRetention,
    IMGSVC_COMMENT_RATE: c.commentRate,
    IMGSVC_NOTIFICATION_WINDOW: c.notificationWindow,
    IMGSVC_WEBHOOK_ALLOW_PRIVATE: c.webhookAllowPrivate,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

export const HTTP_PORT = 8080;
export const DATA_DIR = '/data';

/** Put on the pod templates so a settings change rolls the pods (env from a ConfigMap is read once). */
export function settingsHash(input: BuildInput): string {
  return createHash('sha256').update(JSON.stringify(serviceSettings(input))).digest('hex').slice(0, 16);
}

export function configMap(input: BuildInput): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(input, objectName(input)),
    data: serviceSettings(input),
  };
}

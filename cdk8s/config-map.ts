import { createHash } from 'node:crypto';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { metadata, objectName, type BuildInput } from './build-input.js';
import type { ImageServiceSpec } from './image-service-spec.js';

/**
 * The service's settings that are not secret, as the IMGSVC_* variables its config module reads.
 * Every role reads the same ConfigMap, so the roles can never disagree about presets or limits.
 */
export function serviceSettings(input: BuildInput): Record<string, string> {
  const { spec } = input;
  const { s3 } = spec.storage;
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
    ...configEnv(spec.config),
    // Derived from the ingress when the spec does not set it (see connectionsPerAddress).
    IMGSVC_CONNECTIONS_PER_ADDRESS: connectionsPerAddress(input),
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

type ServiceConfig = ImageServiceSpec['config'];

/**
 * The ImageService's `spec.config` keys and the service setting each one sets: the one table the
 * ConfigMap and docs/configuration.md are both made from (a key without its setting fails the typecheck).
 */
export const CONFIG_KEY_ENV = {
  eagerPresets: 'IMGSVC_EAGER_PRESETS',
  maxUploadBytes: 'IMGSVC_MAX_UPLOAD_BYTES',
  maxPixels: 'IMGSVC_MAX_PIXELS',
  cacheMaxAgeSeconds: 'IMGSVC_CACHE_MAX_AGE',
  hotCacheBytes: 'IMGSVC_HOT_CACHE_BYTES',
  analytics: 'IMGSVC_ANALYTICS',
  analyticsRetentionDays: 'IMGSVC_ANALYTICS_RETENTION_DAYS',
  logLevel: 'IMGSVC_LOG_LEVEL',
  transformMemoryBudget: 'IMGSVC_TRANSFORM_MEMORY_BUDGET',
  uploadValidation: 'IMGSVC_UPLOAD_VALIDATION',
  eraseAfter: 'IMGSVC_ERASE_AFTER',
  trustProxyHops: 'IMGSVC_TRUST_PROXY',
  corsOrigins: 'IMGSVC_CORS_ORIGINS',
  fullResolutionStreams: 'IMGSVC_FULL_RES_STREAMS',
  eventRetention: 'IMGSVC_EVENT_RETENTION',
  commentRate: 'IMGSVC_COMMENT_RATE',
  notificationWindow: 'IMGSVC_NOTIFICATION_WINDOW',
  webhookAllowPrivate: 'IMGSVC_WEBHOOK_ALLOW_PRIVATE',
  connectionsPerAddress: 'IMGSVC_CONNECTIONS_PER_ADDRESS',
} as const satisfies Record<keyof ServiceConfig, string>;

/** `spec.config` as settings: numbers as text, the one boolean (`analytics`) as `on`/`off`, unset keys left out. */
function configEnv(config: ServiceConfig): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(CONFIG_KEY_ENV).map(([key, env]) => {
      const value = config[key as keyof ServiceConfig];
      return [env, typeof value === 'boolean' ? (value ? 'on' : 'off') : value?.toString()];
    }),
  );
}

/**
 * The per-address connection cap counts connections by the address the pod sees. Behind an
 * ingress (or any proxy the spec says it trusts) that is the proxy's address for every client,
 * so the service's default of 256 would cap the whole site at 256 connections per proxy pod:
 * there the cap is off and the proxy bounds connections per real client. Exposed directly (no
 * ingress, no trusted hops), the service default stands. An explicit value always wins.
 */
export function connectionsPerAddress(input: BuildInput): string | undefined {
  const c = input.spec.config;
  if (c.connectionsPerAddress !== undefined) return String(c.connectionsPerAddress);
  const behindProxy = input.spec.ingress !== undefined || (c.trustProxyHops ?? 0) > 0;
  return behindProxy ? '0' : undefined;
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

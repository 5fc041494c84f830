import { describe, expect, it } from 'vitest';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { loadConfig } from '../services/core/config.js';
import { configMap } from './config-map.js';
import { inputFor } from './fixtures.test-support.js';

describe('configMap', () => {
  it('holds the settings the service reads, in its own variable names', async () => {
    const cm = configMap(inputFor({ publicBaseUrl: 'https://img.example.com', config: { maxUploadBytes: '20MiB', analytics: false } }));
    expect(await validateObject(cm)).toEqual([]);
    expect(cm.data).toEqual({
      IMGSVC_ANALYTICS: 'off',
      IMGSVC_DATA_DIR: '/data',
      IMGSVC_HOST: '0.0.0.0',
      IMGSVC_LOG_LEVEL: 'info',
      IMGSVC_MAX_UPLOAD_BYTES: '20MiB',
      IMGSVC_PORT: '8080',
      IMGSVC_PUBLIC_BASE_URL: 'https://img.example.com',
      IMGSVC_S3_BUCKET: 'images',
      IMGSVC_S3_CHECKSUMS: 'when_supported',
      IMGSVC_S3_FORCE_PATH_STYLE: 'false',
      IMGSVC_S3_REGION: 'us-east-1',
      IMGSVC_STORAGE: 's3',
    });
  });

  it('is accepted by the service config for every role', () => {
    const data = configMap(inputFor({ storage: { s3: { bucket: 'images', endpoint: 'http://minio:9000', forcePathStyle: true, prefix: 'prod/', checksums: 'WhenRequired' } }, config: { eagerPresets: 'thumb=50:webp', maxPixels: 4_000_000, cacheMaxAgeSeconds: 60 } })).data!;
    for (const role of ['upload', 'resizer', 'origin']) {
      const config = loadConfig({ ...data, IMGSVC_ROLE: role, REDIS_URL: 'redis://r:6379' });
      expect(config).toMatchObject({ role, storage: 's3', s3Bucket: 'images', s3Endpoint: 'http://minio:9000', s3ForcePathStyle: true, s3Prefix: 'prod/', s3Checksums: 'when_required', maxPixels: 4_000_000, host: '0.0.0.0', port: 8080 });
    }
  });

  it('passes the access, lifecycle and transform settings through, and the service accepts them', () => {
    const data = configMap(
      inputFor({
        config: {
          transformMemoryBudget: '2GiB',
          uploadValidation: 'header',
          eraseAfter: '6h',
          trustProxyHops: 1,
          corsOrigins: 'https://app.example.com',
          fullResolutionStreams: 0,
          eventRetention: '36h',
          commentRate: '5/1m',
          notificationWindow: '10m',
          webhookAllowPrivate: 'private',
        },
      }),
    ).data!;
    expect(data).toMatchObject({ IMGSVC_TRANSFORM_MEMORY_BUDGET: '2GiB', IMGSVC_UPLOAD_VALIDATION: 'header', IMGSVC_ERASE_AFTER: '6h', IMGSVC_TRUST_PROXY: '1', IMGSVC_FULL_RES_STREAMS: '0', IMGSVC_EVENT_RETENTION: '36h', IMGSVC_COMMENT_RATE: '5/1m', IMGSVC_NOTIFICATION_WINDOW: '10m', IMGSVC_WEBHOOK_ALLOW_PRIVATE: 'private' });
    const config = loadConfig({ ...data, REDIS_URL: 'redis://r:6379' });
    expect(config).toMatchObject({ transformMemoryBudget: 2 * 1024 ** 3, uploadValidation: 'header', eraseAfterSeconds: 6 * 3600, trustProxyHops: 1, fullResolutionStreams: 0, eventRetentionMs: 36 * 3_600_000, notificationWindowSeconds: 600, webhookAllowPrivate: 'private' });
  });

  it('turns the per-address connection cap off behind an ingress or a trusted proxy, keeps the default when exposed directly, and honours an explicit value', () => {
    const cap = (spec: Parameters<typeof inputFor>[0]) => configMap(inputFor(spec)).data!.IMGSVC_CONNECTIONS_PER_ADDRESS;
    // Exposed directly: the service's own default (256) applies, so nothing is written.
    expect(cap({})).toBeUndefined();
    // Every request arrives from the ingress controller's address: a cap per address would cap the site.
    expect(cap({ ingress: { host: 'img.example.com' } })).toBe('0');
    expect(cap({ config: { trustProxyHops: 1 } })).toBe('0');
    expect(cap({ config: { trustProxyHops: 0 } })).toBeUndefined();
    expect(cap({ ingress: { host: 'img.example.com' }, config: { connectionsPerAddress: 4096 } })).toBe('4096');
    expect(cap({ config: { connectionsPerAddress: 64 } })).toBe('64');
    const config = loadConfig({ ...configMap(inputFor({ ingress: { host: 'img.example.com' } })).data!, REDIS_URL: 'redis://r:6379' });
    expect(config.connectionsPerAddress).toBe(0);
  });
});

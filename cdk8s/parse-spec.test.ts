import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE } from './image-service-spec.js';
import { parseSpec } from './parse-spec.js';

const id = { name: 'photos', namespace: 'media' };
const minimal = { redis: { url: 'redis://r:6379' }, storage: { s3: { bucket: 'images' } } };

describe('parseSpec', () => {
  it('applies the defaults the CRD declares', () => {
    const parsed = parseSpec(minimal, id);
    if (!parsed.ok) throw new Error(parsed.problems.join());
    expect(parsed.spec.image).toBe(DEFAULT_IMAGE);
    expect(parsed.spec.resizer.autoscaling).toEqual({ enabled: true, minReplicas: 1, maxReplicas: 50, metrics: [{ type: 'CPU', target: 80 }, { type: 'QueueLag', target: 30 }], scaleDownStabilizationSeconds: 300 });
    expect(parsed.spec.storage.s3).toMatchObject({ region: 'us-east-1', forcePathStyle: false, checksums: 'WhenSupported' });
  });

  it.each([
    [{}, ['spec.redis: Invalid input: expected object, received undefined', 'spec.storage: Invalid input: expected object, received undefined']],
    [{ ...minimal, redis: {} }, ['spec.redis: set exactly one of url or urlSecretRef']],
    [{ ...minimal, upload: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } }, ['spec.upload.autoscaling.minReplicas: minReplicas must not exceed maxReplicas']],
    [{ ...minimal, origin: { autoscaling: { metrics: [{ type: 'QueueLag', target: 3 }] } } }, ['spec.origin.autoscaling.metrics.0.type: Invalid option: expected one of "CPU"|"InFlightRequests"']],
    [{ ...minimal, upload: { autoscaling: { metrics: [{ type: 'CPU', target: 150 }] } } }, ['spec.upload.autoscaling.metrics.0.target: a CPU target is a utilisation percentage: 1 to 100']],
    [{ ...minimal, config: { eagerPresets: 'thumb=0:webp' } }, [expect.stringMatching(/^spec\.config → IMGSVC_EAGER_PRESETS: /)]],
    [{ ...minimal, redis: { mode: 'cluster', url: 'redis://r:6379' } }, ['spec.redis: mode sentinel and cluster: set nodes, not url or urlSecretRef']],
    [{ ...minimal, redis: { mode: 'sentinel', nodes: ['s:26379'] } }, ['spec.redis: masterName: required with mode sentinel, and only then']],
    [{ ...minimal, redis: { mode: 'cluster', nodes: ['c:6379'], masterName: 'm', database: 1 } }, [
      'spec.redis: masterName: required with mode sentinel, and only then',
      'spec.redis: sentinelPasswordSecretRef and database: only with mode sentinel',
    ]],
    [{ ...minimal, redis: { url: 'redis://r:6379', nodes: ['r:6379'], tls: true } }, ['spec.redis: nodes, tls, username and database: only with mode sentinel or cluster (a standalone url says rediss:// and user@ itself)']],
    [{ ...minimal, redis: { mode: 'cluster', nodes: ['c:6379', 'nohost'] } }, ['spec.redis.nodes.1: expected host:port']],
    // What the schema cannot see, the service's own REDIS_URL check does.
    [{ ...minimal, redis: { mode: 'cluster', nodes: ['c:99999'] } }, [expect.stringMatching(/^spec\.redis → REDIS_URL: expected a port from 1 to 65535/)]],
  ])('lists every problem in %j', (spec, problems) => {
    const parsed = parseSpec(spec, id);
    expect(parsed).toEqual({ ok: false, problems });
  });
});

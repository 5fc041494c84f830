import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../services/core/redis-url.js';
import { deployment } from './deployment.js';
import { inputFor } from './fixtures.test-support.js';
import { redisEnv } from './redis-env.js';
import type { ImageServiceSpecInput } from './image-service-spec.js';

const env = (redis: ImageServiceSpecInput['redis']) => redisEnv(inputFor({ redis }).spec.redis);

describe('spec.redis → the pods environment', () => {
  it.each([
    ['standalone from a Secret', { urlSecretRef: { name: 'redis' } }, [{ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'redis', key: 'url' } } }]],
    ['standalone inline, password by reference', { url: 'redis://r:6379/1', passwordSecretRef: { name: 'redis-pw' } }, [
      { name: 'REDIS_URL', value: 'redis://r:6379/1' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-pw', key: 'password' } } },
    ]],
    ['a cluster', { mode: 'cluster', nodes: ['redis-0.redis:6379', 'redis-1.redis:6379', '[fd00::1]:7000'] }, [
      { name: 'REDIS_URL', value: 'redis+cluster://redis-0.redis:6379,redis-1.redis:6379,[fd00::1]:7000' },
    ]],
    ['a cluster with TLS, an ACL user and its password', { mode: 'cluster', nodes: ['c:6379'], tls: true, username: 'imgsvc', passwordSecretRef: { name: 'redis', key: 'pw' } }, [
      { name: 'REDIS_URL', value: 'rediss+cluster://imgsvc:@c:6379' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis', key: 'pw' } } },
    ]],
    ['a Sentinel group with both passwords', {
      mode: 'sentinel', nodes: ['s-0:26379', 's-1:26379', 's-2:26379'], masterName: 'mymaster', database: 2,
      passwordSecretRef: { name: 'redis' }, sentinelPasswordSecretRef: { name: 'redis' },
    }, [
      { name: 'REDIS_URL', value: 'redis+sentinel://s-0:26379,s-1:26379,s-2:26379/mymaster/2' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis', key: 'password' } } },
      { name: 'REDIS_SENTINEL_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis', key: 'sentinelPassword' } } },
    ]],
  ] as const)('%s', (_name, redis, expected) => {
    const out = env(redis as never);
    expect(out).toEqual(expected);
    // What the pod receives is a REDIS_URL the service itself accepts.
    const url = out.find((e) => e.name === 'REDIS_URL')?.value;
    if (url) expect(parseRedisUrl(url)).toHaveProperty('target');
  });

  it('reaches every role, passwords never inline', () => {
    const input = inputFor({ redis: { mode: 'sentinel', nodes: ['s:26379'], masterName: 'm', passwordSecretRef: { name: 'redis' } } });
    for (const role of ['upload', 'resizer', 'origin'] as const) {
      const podEnv = deployment(input, role).spec!.template.spec!.containers[0]!.env!;
      expect(podEnv.filter((e) => e.name.startsWith('REDIS_'))).toEqual([
        { name: 'REDIS_URL', value: 'redis+sentinel://s:26379/m' },
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis', key: 'password' } } },
      ]);
    }
  });
});

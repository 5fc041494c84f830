import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { formatRedisUrl, type RedisNode } from '../services/core/redis-url.js';
import type { ImageServiceSpec } from './image-service-spec.js';

/**
 * spec.redis as the pods' environment: REDIS_URL as given (standalone) or composed from the
 * parts (sentinel, cluster), and the passwords by Secret reference, never copied into the
 * objects the operator owns.
 */
export function redisEnv(redis: ImageServiceSpec['redis']): IEnvVar[] {
  const env: IEnvVar[] = [];
  if (redis.mode === 'standalone') {
    if (redis.urlSecretRef) env.push({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: redis.urlSecretRef.name, key: redis.urlSecretRef.key } } });
    else if (redis.url) env.push({ name: 'REDIS_URL', value: redis.url });
  } else {
    const nodes = (redis.nodes ?? []).map(parseNode);
    const common = { tls: redis.tls ?? false, ...(redis.username !== undefined ? { username: redis.username } : {}) };
    const url =
      redis.mode === 'cluster'
        ? formatRedisUrl({ mode: 'cluster', nodes, ...common })
        : formatRedisUrl({ mode: 'sentinel', sentinels: nodes, masterName: redis.masterName ?? '', db: redis.database ?? 0, ...common });
    env.push({ name: 'REDIS_URL', value: url });
  }
  if (redis.passwordSecretRef) {
    env.push({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: redis.passwordSecretRef.name, key: redis.passwordSecretRef.key } } });
  }
  if (redis.mode === 'sentinel' && redis.sentinelPasswordSecretRef) {
    env.push({ name: 'REDIS_SENTINEL_PASSWORD', valueFrom: { secretKeyRef: { name: redis.sentinelPasswordSecretRef.name, key: redis.sentinelPasswordSecretRef.key } } });
  }
  return env;
}

function parseNode(text: string): RedisNode {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(at + 1)) };
}

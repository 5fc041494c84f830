import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { BuildInput } from './build-input.js';
import type { RoleName } from './image-service-spec.js';
import { redisEnv } from './redis-env.js';

/**
 * Per-pod environment beyond the shared ConfigMap: secrets by reference (never copied into
 * objects the operator owns) and the worker counts, sized from the pod's CPU request rather
 * than the node's cores, which is what Node's availableParallelism() would see.
 */
export function podEnv(input: BuildInput, role: RoleName): IEnvVar[] {
  const { redis, storage, auth } = input.spec;
  const env: IEnvVar[] = redisEnv(redis);
  const creds = storage.s3.credentialsSecretRef;
  if (creds) {
    env.push(
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: creds.name, key: creds.accessKeyIdKey } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: creds.name, key: creds.secretAccessKeyKey } } },
    );
  }
  env.push(
    { name: 'IMGSVC_BOOTSTRAP_ADMIN_KEY', valueFrom: { secretKeyRef: { name: auth.bootstrapAdminKeySecretRef.name, key: auth.bootstrapAdminKeySecretRef.key } } },
    { name: 'IMGSVC_SIGNING_KEYS', valueFrom: { secretKeyRef: { name: auth.signingKeysSecretRef.name, key: auth.signingKeysSecretRef.key } } },
    { name: 'IMGSVC_WEBHOOK_SECRET_KEY', valueFrom: { secretKeyRef: { name: auth.webhookKeySecretRef.name, key: auth.webhookKeySecretRef.key } } },
  );
  const concurrency = CONCURRENCY_ENV[role];
  if (concurrency) {
    // divisor 1 rounds the request up to whole cores: 500m gives 1, 2 gives 2.
    env.push({ name: concurrency, valueFrom: { resourceFieldRef: { containerName: CONTAINER_NAME, resource: 'requests.cpu', divisor: '1' } } });
  }
  return env;
}

export const CONTAINER_NAME = 'imgsvc';

const CONCURRENCY_ENV: Record<RoleName, string | undefined> = {
  upload: undefined,
  resizer: 'IMGSVC_RESIZE_CONCURRENCY',
  origin: 'IMGSVC_TRANSFORM_CONCURRENCY',
};

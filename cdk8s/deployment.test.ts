import { describe, expect, it } from 'vitest';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { settingsHash } from './config-map.js';
import { deployment } from './deployment.js';
import { inputFor } from './fixtures.test-support.js';
import { ROLE_NAMES } from './image-service-spec.js';

describe('deployment', () => {
  it.each(ROLE_NAMES)('runs `imgsvc serve --role %s`, valid against the Kubernetes schema', async (role) => {
    const d = deployment(inputFor(), role);
    expect(await validateObject(d)).toEqual([]);
    const pod = d.spec!.template.spec!;
    const c = pod.containers[0]!;
    expect(c.args).toEqual(['serve', '--role', role]);
    expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c.startupProbe?.httpGet?.path).toBe('/healthz');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(d.spec!.selector.matchLabels).toEqual(d.spec!.template.metadata!.labels);
  });

  it('has no replicas under an HPA, and the spec count without one', () => {
    expect(deployment(inputFor(), 'upload').spec).not.toHaveProperty('replicas');
    const fixed = inputFor({ upload: { replicas: 4, autoscaling: { enabled: false } } });
    expect(deployment(fixed, 'upload').spec!.replicas).toBe(4);
  });

  it('runs as non-root on a read-only root filesystem without privilege escalation', () => {
    const pod = deployment(inputFor(), 'origin').spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0]!.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    // Writable scratch where the service writes: its data folder and /tmp.
    expect(pod.containers[0]!.volumeMounts!.map((m) => m.mountPath)).toEqual(['/data', '/tmp']);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('takes secrets by reference and sizes workers from the CPU request', () => {
    const input = inputFor({ storage: { s3: { bucket: 'images', credentialsSecretRef: { name: 's3', accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' } } } });
    const env = deployment(input, 'resizer').spec!.template.spec!.containers[0]!.env!;
    expect(env).toEqual([
      { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'redis', key: 'url' } } },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 's3', key: 'id' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 's3', key: 'secret' } } },
      { name: 'IMGSVC_BOOTSTRAP_ADMIN_KEY', valueFrom: { secretKeyRef: { name: 'imgsvc-auth', key: 'adminKey' } } },
      { name: 'IMGSVC_SIGNING_KEYS', valueFrom: { secretKeyRef: { name: 'imgsvc-auth', key: 'signingKeys' } } },
      { name: 'IMGSVC_WEBHOOK_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'imgsvc-auth', key: 'webhookKey' } } },
      { name: 'IMGSVC_RESIZE_CONCURRENCY', valueFrom: { resourceFieldRef: { containerName: 'imgsvc', resource: 'requests.cpu', divisor: '1' } } },
    ]);
    const upload = deployment(inputFor({ redis: { url: 'redis://r:6379' } }), 'upload').spec!.template.spec!.containers[0]!.env!;
    expect(upload.map((e) => e.name)).toEqual(['REDIS_URL', 'IMGSVC_BOOTSTRAP_ADMIN_KEY', 'IMGSVC_SIGNING_KEYS', 'IMGSVC_WEBHOOK_SECRET_KEY']);
    expect(upload[0]).toEqual({ name: 'REDIS_URL', value: 'redis://r:6379' });
  });

  it('carries scheduling settings and the settings hash that rolls pods on a config change', () => {
    const input = inputFor({
      origin: { nodeSelector: { pool: 'edge' }, tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }], affinity: { nodeAffinity: {} } },
    });
    const pod = deployment(input, 'origin').spec!.template;
    expect(pod.spec).toMatchObject({ nodeSelector: { pool: 'edge' }, tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }], affinity: { nodeAffinity: {} } });
    expect(pod.metadata!.annotations!['imgsvc.io/settings-hash']).toBe(settingsHash(input));
    const changed = inputFor({ config: { logLevel: 'debug' } });
    expect(settingsHash(changed)).not.toBe(settingsHash(input));
    expect(settingsHash(inputFor({ origin: { replicas: 9 } }))).toBe(settingsHash(inputFor()));
  });

  it('owns what it builds when the resource has a uid', () => {
    expect(deployment(inputFor(), 'upload').metadata!.ownerReferences).toEqual([
      { apiVersion: 'imgsvc.io/v1alpha1', kind: 'ImageService', name: 'photos', uid: '0b7e7c3a-1f1e-4c1d-9d55-2f7e0d1b4a11', controller: true, blockOwnerDeletion: true },
    ]);
    expect(deployment(inputFor({}, { uid: undefined }), 'upload').metadata).not.toHaveProperty('ownerReferences');
  });
});

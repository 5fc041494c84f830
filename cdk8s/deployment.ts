import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { metadata, objectName, selectorLabels, type BuildInput } from './build-input.js';
import { DATA_DIR, HTTP_PORT, settingsHash } from './config-map.js';
import type { RoleName } from './image-service-spec.js';
import { CONTAINER_NAME, podEnv } from './pod-env.js';

export const RUN_AS_USER = 10001;

/** Seconds a pod gets between SIGTERM and SIGKILL: the service drains in-flight work in that time. */
const GRACE_SECONDS: Record<RoleName, number> = { upload: 60, resizer: 90, origin: 30 };

/** Scratch space: uploads stream to a temp file under the data folder before they are stored. */
const SCRATCH_LIMIT: Record<RoleName, string> = { upload: '4Gi', resizer: '1Gi', origin: '1Gi' };

/**
 * One role's Deployment running `imgsvc serve --role <role>`. Under an HPA it carries no
 * `replicas`, so an apply never fights the autoscaler; without one, it runs `spec.<role>.replicas`.
 */
export function deployment(input: BuildInput, role: RoleName): IDeployment {
  const roleSpec = input.spec[role];
  const autoscaled = roleSpec.autoscaling.enabled;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(input, objectName(input, role), role),
    spec: {
      ...(autoscaled ? {} : { replicas: roleSpec.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(input, role) },
      strategy: {
        type: 'RollingUpdate',
        // Serving roles keep full capacity during a rollout; resizer jobs are reclaimed, so it may dip.
        rollingUpdate: role === 'resizer' ? { maxSurge: '25%', maxUnavailable: '25%' } : { maxSurge: '25%', maxUnavailable: 0 },
      },
      template: {
        metadata: {
          labels: selectorLabels(input, role),
          annotations: {
            'imgsvc.io/settings-hash': settingsHash(input),
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(HTTP_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: podSpec(input, role),
      },
    },
  };
}

function podSpec(input: BuildInput, role: RoleName): IPodSpec {
  const { spec } = input;
  const roleSpec = spec[role];
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  return {
    serviceAccountName: objectName(input),
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: GRACE_SECONDS[role],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      runAsGroup: RUN_AS_USER,
      fsGroup: RUN_AS_USER,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(spec.imagePullSecrets ? { imagePullSecrets: spec.imagePullSecrets } : {}),
    ...(roleSpec.nodeSelector ? { nodeSelector: roleSpec.nodeSelector } : {}),
    ...(roleSpec.tolerations ? { tolerations: roleSpec.tolerations } : {}),
    ...(roleSpec.affinity ? { affinity: roleSpec.affinity } : {}),
    // Spread over nodes and zones where possible, never refuse to schedule for it.
    topologySpreadConstraints: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selectorLabels(input, role) },
    })),
    containers: [
      {
        name: CONTAINER_NAME,
        image: spec.image,
        imagePullPolicy: spec.imagePullPolicy,
        args: ['serve', '--role', role],
        ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
        envFrom: [{ configMapRef: { name: objectName(input) } }],
        env: podEnv(input, role),
        resources: roleSpec.resources as NonNullable<IPodSpec['containers'][number]['resources']>,
        startupProbe: probe('/healthz', 2, 30),
        livenessProbe: probe('/healthz', 10, 3),
        readinessProbe: probe('/readyz', 5, 2),
        // Endpoints are removed asynchronously; keep serving until load balancers have caught up.
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [
          { name: 'data', mountPath: DATA_DIR },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: 'data', emptyDir: { sizeLimit: SCRATCH_LIMIT[role] } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ],
  };
}

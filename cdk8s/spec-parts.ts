import { z } from 'zod';

/**
 * Building blocks of the ImageService schema. The one zod schema is the source of the
 * TypeScript types, of the operator's parsing and of the CRD's OpenAPI schema (crd-schema.ts),
 * so the three cannot drift. `.meta()` carries what only Kubernetes reads (CEL rules, list types).
 */

/** Kubernetes resource.Quantity, as the API server's own pattern accepts it. */
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

export const quantity = z
  .union([z.string().regex(QUANTITY, 'expected a Kubernetes quantity such as 500m, 2 or 1Gi'), z.number().nonnegative()])
  .meta({ 'x-kubernetes-int-or-string': true });

const resourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional() });

export const resources = z.object({
  requests: resourceList.optional(),
  limits: resourceList.optional(),
});
export type Resources = z.infer<typeof resources>;

/** A Secret key in the ImageService's namespace. */
export function secretKeyRef(defaultKey: string) {
  return z.object({
    name: z.string().min(1).max(253).describe('Secret in the same namespace'),
    key: z.string().min(1).max(253).default(defaultKey).describe('key within the Secret'),
  });
}

export const toleration = z.object({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

/** Affinity is the core v1 type, validated by the API server when it lands in the pod template. */
export const affinity = z.object({}).loose().meta({ 'x-kubernetes-preserve-unknown-fields': true });

// The zod refinements repeat the CEL rules so the operator reports the same problem when a
// resource reaches it without the API server's check (see parse-spec.ts).
const CPU_TARGET_MESSAGE = 'a CPU target is a utilisation percentage: 1 to 100';
const MIN_MAX_MESSAGE = 'minReplicas must not exceed maxReplicas';

export const METRIC_TYPES = ['CPU', 'InFlightRequests', 'QueueLag'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/**
 * One autoscaling signal. `target` is a utilisation percentage for CPU and an average per pod for
 * the others (requests being handled at once; resize jobs waiting, per resizer pod).
 */
function metricTarget(types: readonly [MetricType, ...MetricType[]]) {
  return z
    .object({
      type: z.enum(types),
      target: z.number().int().min(1).max(100_000),
    })
    .refine((m) => m.type !== 'CPU' || m.target <= 100, { message: CPU_TARGET_MESSAGE, path: ['target'] })
    .meta({ 'x-kubernetes-validations': [{ rule: "self.type != 'CPU' || self.target <= 100", message: CPU_TARGET_MESSAGE }] });
}

export interface AutoscalingDefaults {
  minReplicas: number;
  maxReplicas: number;
  metrics: { type: MetricType; target: number }[];
}

export function autoscaling(types: readonly [MetricType, ...MetricType[]], defaults: AutoscalingDefaults) {
  return z
    .object({
      enabled: z.boolean().default(true).describe('false: run `replicas` pods and make no HorizontalPodAutoscaler'),
      minReplicas: z.number().int().min(1).max(1000).default(defaults.minReplicas),
      maxReplicas: z.number().int().min(1).max(1000).default(defaults.maxReplicas),
      metrics: z
        .array(metricTarget(types))
        .min(1)
        .max(types.length)
        .default(defaults.metrics)
        .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
      scaleDownStabilizationSeconds: z.number().int().min(0).max(3600).default(300).describe('how long load must stay low before pods are removed'),
    })
    .refine((a) => a.minReplicas <= a.maxReplicas, { message: MIN_MAX_MESSAGE, path: ['minReplicas'] })
    .meta({ 'x-kubernetes-validations': [{ rule: 'self.minReplicas <= self.maxReplicas', message: MIN_MAX_MESSAGE }] });
}

export interface RoleDefaults {
  replicas: number;
  resources: Resources;
  autoscaling: AutoscalingDefaults;
}

export function role(types: readonly [MetricType, ...MetricType[]], defaults: RoleDefaults) {
  return z.object({
    replicas: z.number().int().min(0).max(1000).default(defaults.replicas).describe('pods to run when autoscaling is disabled'),
    resources: resources.default(defaults.resources),
    nodeSelector: z.record(z.string(), z.string()).optional(),
    tolerations: z.array(toleration).max(64).optional(),
    affinity: affinity.optional(),
    autoscaling: autoscaling(types, defaults.autoscaling).prefault({}),
  });
}

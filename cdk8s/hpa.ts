import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IMetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import { metadata, objectName, type BuildInput } from './build-input.js';
import type { RoleName } from './image-service-spec.js';
import type { MetricType } from './spec-parts.js';
import { IN_FLIGHT_METRIC, QUEUE_LAG_METRIC } from '../services/telemetry/autoscaling-metrics.js';

export { IN_FLIGHT_METRIC, QUEUE_LAG_METRIC };

/**
 * The role's HorizontalPodAutoscaler, or none when autoscaling is off. Scale-up reacts within one
 * sync period (doubling, or adding a burst of pods, whichever is more); scale-down waits out the
 * stabilization window and then sheds at most a fifth of the pods a minute, so a dip between two
 * bursts does not throw away warm pods.
 */
export function hpa(input: BuildInput, role: RoleName): IHorizontalPodAutoscaler | undefined {
  const scaling = input.spec[role].autoscaling;
  if (!scaling.enabled) return undefined;
  const name = objectName(input, role);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(input, name, role),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics: scaling.metrics.map((m) => metricSpec(input, m.type, m.target)),
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [
            { type: 'Percent', value: 100, periodSeconds: 15 },
            { type: 'Pods', value: role === 'resizer' ? 8 : 4, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }],
        },
      },
    },
  };
}

function metricSpec(input: BuildInput, type: MetricType, target: number): IMetricSpec {
  switch (type) {
    case 'CPU':
      return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } };
    case 'InFlightRequests':
      return { type: 'Pods', pods: { metric: { name: IN_FLIGHT_METRIC }, target: { type: 'AverageValue', averageValue: String(target) } } };
    case 'QueueLag':
      // One stream per ImageService: every resizer reports the same backlog, so the adapter takes
      // max() and AverageValue divides it by the pod count, giving jobs waiting per pod.
      return {
        type: 'External',
        external: {
          metric: { name: QUEUE_LAG_METRIC, selector: { matchLabels: { app_kubernetes_io_instance: input.name } } },
          target: { type: 'AverageValue', averageValue: String(target) },
        },
      };
  }
}

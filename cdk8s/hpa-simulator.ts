import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IHPAScalingRules } from 'kubernetes-models/autoscaling/v2/HPAScalingRules';
import type { IMetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';

/** What one metric reads at a sync: CPU utilisation % (average over ready pods), a Pods average, or an External total. */
export type MetricReading = (metric: IMetricSpec) => number;

/** The controller's default tolerance: ratios within 10% of 1 change nothing. */
export const TOLERANCE = 0.1;

/**
 * The HorizontalPodAutoscaler algorithm as documented and as kube-controller-manager implements
 * it (pkg/controller/podautoscaler): per metric, desired = ceil(ratio × current) unless the ratio
 * is within tolerance; the largest proposal wins; recommendations are stabilised (scale-up takes
 * the lowest within its window, scale-down the highest within its window); then the change is
 * limited by the behaviour's rate policies over their periods, and kept within [min, max].
 * Pure and time-driven: call `sync(now, currentReplicas, read)` every sync period (15 s).
 */
export class HpaSimulator {
  private readonly recommendations: { at: number; replicas: number }[] = [];
  private readonly scaleEvents: { at: number; change: number }[] = [];

  constructor(private readonly hpa: IHorizontalPodAutoscaler) {}

  get min(): number {
    return this.hpa.spec!.minReplicas ?? 1;
  }

  get max(): number {
    return this.hpa.spec!.maxReplicas;
  }

  sync(nowSeconds: number, current: number, read: MetricReading): number {
    const proposal = Math.max(...(this.hpa.spec!.metrics ?? []).map((m) => proposeForMetric(m, current, read(m))));
    const clamped = Math.min(this.max, Math.max(this.min, proposal));
    const stabilised = this.stabilise(nowSeconds, current, clamped);
    const next = this.limitRate(nowSeconds, current, stabilised);
    if (next !== current) this.scaleEvents.push({ at: nowSeconds, change: next - current });
    return next;
  }

  private stabilise(now: number, current: number, desired: number): number {
    const behavior = this.hpa.spec!.behavior;
    const upWindow = behavior?.scaleUp?.stabilizationWindowSeconds ?? 0;
    const downWindow = behavior?.scaleDown?.stabilizationWindowSeconds ?? 300;
    let up = desired;
    let down = desired;
    for (const r of this.recommendations) {
      if (r.at > now - upWindow) up = Math.min(up, r.replicas);
      if (r.at > now - downWindow) down = Math.max(down, r.replicas);
    }
    this.recommendations.push({ at: now, replicas: desired });
    const horizon = Math.max(upWindow, downWindow);
    while (this.recommendations.length > 0 && this.recommendations[0]!.at <= now - horizon) this.recommendations.shift();
    let recommendation = current;
    if (recommendation < up) recommendation = up;
    if (recommendation > down) recommendation = down;
    return recommendation;
  }

  private limitRate(now: number, current: number, desired: number): number {
    const behavior = this.hpa.spec!.behavior;
    if (desired > current) {
      const limit = Math.max(current, this.limit(now, current, behavior?.scaleUp ?? DEFAULT_UP, 'up'));
      return Math.min(desired, this.max, limit);
    }
    if (desired < current) {
      const limit = Math.min(current, this.limit(now, current, behavior?.scaleDown ?? DEFAULT_DOWN, 'down'));
      return Math.max(desired, this.min, limit);
    }
    return desired;
  }

  private limit(now: number, current: number, rules: IHPAScalingRules, direction: 'up' | 'down'): number {
    if (rules.selectPolicy === 'Disabled') return current;
    // Max picks the policy allowing the biggest change; Min the smallest.
    const biggest = (rules.selectPolicy ?? 'Max') === 'Max';
    const pick = direction === 'up' ? (biggest ? Math.max : Math.min) : biggest ? Math.min : Math.max;
    let result = pick === Math.max ? -Infinity : Infinity;
    for (const p of rules.policies ?? []) {
      const inPeriod = this.scaleEvents.filter((e) => e.at > now - p.periodSeconds);
      const added = inPeriod.filter((e) => e.change > 0).reduce((s, e) => s + e.change, 0);
      const removed = inPeriod.filter((e) => e.change < 0).reduce((s, e) => s - e.change, 0);
      const periodStart = current - added + removed;
      const proposed =
        direction === 'up'
          ? p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100))
          : p.type === 'Pods' ? periodStart - p.value : Math.floor(periodStart * (1 - p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }
}

/** Kubernetes' defaults when an HPA gives no behaviour. */
const DEFAULT_UP: IHPAScalingRules = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] };
const DEFAULT_DOWN: IHPAScalingRules = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** One metric's replica proposal: `current` when the usage ratio is within tolerance. */
export function proposeForMetric(metric: IMetricSpec, current: number, reading: number): number {
  let ratio: number;
  let proposal: number;
  if (metric.type === 'Resource') {
    const target = metric.resource!.target.averageUtilization!;
    ratio = reading / target;
    proposal = Math.ceil(ratio * current);
  } else if (metric.type === 'Pods') {
    const target = Number(metric.pods!.target.averageValue);
    ratio = reading / target;
    proposal = Math.ceil(ratio * current);
  } else if (metric.type === 'External') {
    // AverageValue of an External metric: the total divided among the pods.
    const target = Number(metric.external!.target.averageValue);
    ratio = reading / (target * current);
    proposal = Math.ceil(reading / target);
  } else {
    throw new Error(`metric type ${metric.type} is not simulated`);
  }
  return Math.abs(1 - ratio) <= TOLERANCE ? current : proposal;
}

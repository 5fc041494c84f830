import { describe, expect, it } from 'vitest';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { deployment } from './deployment.js';
import { inputFor } from './fixtures.test-support.js';
import { hpa } from './hpa.js';

describe('hpa', () => {
  it('scales upload and origin on CPU and requests in flight per pod', async () => {
    const h = hpa(inputFor(), 'upload')!;
    expect(await validateObject(h)).toEqual([]);
    expect(h.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment(inputFor(), 'upload').metadata!.name });
    expect(h.spec!.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Pods', pods: { metric: { name: 'imgsvc_http_requests_in_flight' }, target: { type: 'AverageValue', averageValue: '16' } } },
    ]);
    expect([h.spec!.minReplicas, h.spec!.maxReplicas]).toEqual([2, 20]);
  });

  it('scales the resizer on CPU and on its queue lag per pod as an External metric of this instance', async () => {
    const h = hpa(inputFor(), 'resizer')!;
    expect(await validateObject(h)).toEqual([]);
    expect(h.spec!.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      {
        type: 'External',
        external: {
          metric: { name: 'imgsvc_resize_queue_lag', selector: { matchLabels: { app_kubernetes_io_instance: 'photos' } } },
          target: { type: 'AverageValue', averageValue: '30' },
        },
      },
    ]);
  });

  it('has explicit behaviour: fast scale-up, stabilised and rate-limited scale-down', () => {
    const behavior = hpa(inputFor({ origin: { autoscaling: { scaleDownStabilizationSeconds: 600 } } }), 'origin')!.spec!.behavior!;
    expect(behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 0, selectPolicy: 'Max' });
    expect(behavior.scaleUp!.policies).toEqual([
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ]);
    expect(behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }] });
  });

  it('follows the metrics a resource chooses, and is absent when autoscaling is off', () => {
    const cpuOnly = hpa(inputFor({ resizer: { autoscaling: { metrics: [{ type: 'CPU', target: 85 }] } } }), 'resizer')!;
    expect(cpuOnly.spec!.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 85 } } }]);
    expect(hpa(inputFor({ origin: { autoscaling: { enabled: false } } }), 'origin')).toBeUndefined();
  });
});

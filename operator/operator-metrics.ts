import type { Meter } from '@opentelemetry/api';

/** The operator's own instruments, exported on its /metrics. */
export interface OperatorMetrics {
  reconciled(result: string, seconds: number): void;
  pruned(kind: string): void;
  watchRestarted(kind: string, reason: string): void;
}

export function createOperatorMetrics(meter: Meter, observe: { queueDepth: () => number; isLeader: () => boolean }): OperatorMetrics {
  const reconciles = meter.createCounter('imgsvc_operator_reconciles', { description: 'reconcile passes by result' });
  const duration = meter.createHistogram('imgsvc_operator_reconcile_duration_seconds', { description: 'time for one reconcile pass', unit: 's' });
  const pruned = meter.createCounter('imgsvc_operator_pruned_objects', { description: 'owned objects deleted because they were no longer desired' });
  const restarts = meter.createCounter('imgsvc_operator_watch_restarts', { description: 'watch restarts by kind and reason (gone = 410 relist)' });
  meter.createObservableGauge('imgsvc_operator_queue_depth', { description: 'ImageServices waiting to be reconciled' }).addCallback((r) => r.observe(observe.queueDepth()));
  meter.createObservableGauge('imgsvc_operator_leader', { description: '1 while this replica holds the leader Lease' }).addCallback((r) => r.observe(observe.isLeader() ? 1 : 0));
  return {
    reconciled: (result, seconds) => {
      reconciles.add(1, { result });
      duration.record(seconds, { result });
    },
    pruned: (kind) => pruned.add(1, { kind }),
    watchRestarted: (kind, reason) => restarts.add(1, { kind, reason }),
  };
}

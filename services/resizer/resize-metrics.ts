import type { Meter } from '@opentelemetry/api';
import { LATENCY_BUCKETS_SECONDS } from '../telemetry/telemetry.js';
import type { JobQueue } from './job-queue.js';
import { QUEUE_LAG_METRIC } from '../telemetry/autoscaling-metrics.js';

export type ResizeMetrics = ReturnType<typeof createResizeMetrics>;

/** `consumerUp` says whether this process's consumer loop is working (see ResizeWorker.health). */
export function createResizeMetrics(meter: Meter, queue: JobQueue, consumerUp: () => boolean = () => true) {
  const metrics = {
    jobs: meter.createCounter('imgsvc_resize_jobs', {
      description: 'Resize jobs by outcome: started, succeeded, failed (will retry), timeout, dead_lettered, skipped',
    }),
    jobDuration: meter.createHistogram('imgsvc_resize_job_duration_seconds', {
      description: 'Whole resize job, from dequeue to acknowledgement, by outcome',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    variantDuration: meter.createHistogram('imgsvc_resize_variant_duration_seconds', {
      description: 'Encoding and storing one eager variant, by preset and format',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
  };
  // Read from Redis at scrape time: the queue is shared, so every resizer reports the same value.
  const lag = meter.createObservableGauge(QUEUE_LAG_METRIC, {
    description: 'Resize jobs enqueued and not yet delivered to any resizer (scale resizers on this)',
  });
  const pending = meter.createObservableGauge('imgsvc_resize_jobs_pending', {
    description: 'Resize jobs delivered and not yet acknowledged (running, or held by a dead consumer until reclaimed)',
  });
  const dead = meter.createObservableGauge('imgsvc_resize_dead_letters', {
    description: 'Jobs in the dead-letter stream',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      try {
        const stats = await queue.stats();
        result.observe(lag, stats.lag);
        result.observe(pending, stats.pending);
        result.observe(dead, stats.deadLetters);
      } catch {
        // Redis unavailable: report nothing rather than a misleading zero.
      }
    },
    [lag, pending, dead],
  );
  meter
    .createObservableGauge('imgsvc_resize_consumer_up', {
      description: '1 while this resizer can read jobs, 0 while its consumer loop keeps failing (it is then not ready)',
    })
    .addCallback((result) => result.observe(consumerUp() ? 1 : 0));
  return metrics;
}

import type { Attributes, Meter } from '@opentelemetry/api';
import type { FastMetrics } from '../telemetry/fast-metrics.js';
import { LATENCY_BUCKETS_SECONDS } from '../telemetry/telemetry.js';

export type OriginMetrics = ReturnType<typeof createOriginMetrics>;

/** Per-request origin counters go on the fast path; transform ones (rare, slow) on the SDK's meter. */
export function createOriginMetrics(meter: Meter, fast: FastMetrics) {
  const cache = fast.counter('imgsvc_origin_cache', 'Image responses by where the bytes came from: memory (hot cache), storage, transform (made now)');
  const saved = fast.counter(
    'imgsvc_saved_bytes',
    'Bytes not sent thanks to negotiation: original size minus bytes served, by format and device class',
    'By',
  );
  const transformFailures = meter.createCounter('imgsvc_origin_transform_failures', {
    description: 'On-demand transforms that failed, by reason (error, timeout)',
  });
  // Exported at 0 from the start, so rate() and alerts work before the first failure.
  for (const reason of ['error', 'timeout']) transformFailures.add(0, { reason });
  // Attributes built once per tier, and per format and device class for the last one seen: a hit
  // repeats them (see http-metrics.ts).
  const tiers = new Map<string, Attributes>();
  let lastSaved: { format: string; deviceClass: string; key: string; attributes: Attributes } | undefined;
  return {
    cacheTier(tier: string): void {
      let attributes = tiers.get(tier);
      if (!attributes) tiers.set(tier, (attributes = { tier }));
      cache.add(tier, attributes);
    },
    savedBytes(format: string, deviceClass: string, bytes: number): void {
      let s = lastSaved;
      if (s === undefined || s.format !== format || s.deviceClass !== deviceClass) {
        s = lastSaved = { format, deviceClass, key: `${format}|${deviceClass}`, attributes: { format, device_class: deviceClass } };
      }
      saved.add(s.key, s.attributes, bytes);
    },
    transformDuration: meter.createHistogram('imgsvc_origin_transform_duration_seconds', {
      description: 'On-demand transforms: original read, decode, resize, encode',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    transformFailures,
  };
}

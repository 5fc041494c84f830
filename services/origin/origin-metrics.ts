import type { Meter } from '@opentelemetry/api';
import { LATENCY_BUCKETS_SECONDS } from '../telemetry/telemetry.js';

export type OriginMetrics = ReturnType<typeof createOriginMetrics>;

export function createOriginMetrics(meter: Meter) {
  return {
    cache: meter.createCounter('imgsvc_origin_cache', {
      description: 'Image responses by where the bytes came from: memory (hot cache), storage, transform (made now)',
    }),
    transformDuration: meter.createHistogram('imgsvc_origin_transform_duration_seconds', {
      description: 'On-demand transforms: original read, decode, resize, encode',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    transformFailures: meter.createCounter('imgsvc_origin_transform_failures', {
      description: 'On-demand transforms that failed, by reason (error, timeout, overloaded)',
    }),
    savedBytes: meter.createCounter('imgsvc_saved_bytes', {
      description: 'Bytes not sent thanks to negotiation: original size minus bytes served, by format and device class',
      unit: 'By',
    }),
  };
}

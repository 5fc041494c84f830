import type { Meter } from '@opentelemetry/api';
import { LATENCY_BUCKETS_SECONDS } from '../telemetry/telemetry.js';

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

/** Labels stay bounded: a route is the pattern (`/i/:id`), never the path with an id in it. */
export function createHttpMetrics(meter: Meter) {
  return {
    requests: meter.createCounter('imgsvc_http_requests', {
      description: 'HTTP requests answered, by route, method and status code',
    }),
    duration: meter.createHistogram('imgsvc_http_request_duration_seconds', {
      description: 'Time from request start to the last byte of the response, by route',
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    inFlight: meter.createUpDownCounter('imgsvc_http_requests_in_flight', {
      description: 'HTTP requests being handled now',
    }),
    servedBytes: meter.createCounter('imgsvc_served_bytes', {
      description: 'Image bytes sent in response bodies, by route and format',
      unit: 'By',
    }),
  };
}

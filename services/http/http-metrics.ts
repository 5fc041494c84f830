import type { FastMetrics } from '../telemetry/fast-metrics.js';
import { LATENCY_BUCKETS_SECONDS } from '../telemetry/telemetry.js';
import { IN_FLIGHT_METRIC } from '../telemetry/autoscaling-metrics.js';

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

/**
 * Per-request instruments, on the fast path (precomputed series keys, no attribute hashing).
 * Labels stay bounded: a route is the pattern (`/i/:id`), never the path with an id in it.
 */
export function createHttpMetrics(fast: FastMetrics) {
  const requests = fast.counter('imgsvc_http_requests', 'HTTP requests answered, by route, method and status code');
  const duration = fast.histogram(
    'imgsvc_http_request_duration_seconds',
    'Time from request start to the response being handed to the socket, by route and cache tier (image routes)',
    's',
    LATENCY_BUCKETS_SECONDS,
  );
  const inFlight = fast.gauge(IN_FLIGHT_METRIC, 'HTTP requests being handled now');
  const servedBytes = fast.counter('imgsvc_served_bytes', 'Image bytes sent in response bodies, by route, format and device class', 'By');
  return {
    inFlight: (delta: number) => inFlight.add('', {}, delta),
    /** One finished request: the counter and the latency histogram. */
    finished(route: string, method: string, status: number, seconds: number, tier = ''): void {
      requests.add(`${route}|${method}|${status}`, { route, method, status: String(status) });
      duration.record(`${route}|${method}|${tier}`, tier ? { route, method, tier } : { route, method }, seconds);
    },
    served(route: string, format: string, deviceClass: string, bytes: number): void {
      servedBytes.add(`${route}|${format}|${deviceClass}`, { route, format, device_class: deviceClass }, bytes);
    },
  };
}

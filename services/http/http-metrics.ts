import type { Attributes } from '@opentelemetry/api';
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
  // The series of the last call: the image route answers the same route, method,
  // status and tier over and over, so a repeat reuses the keys and attributes instead of building
  // two template strings, two attribute objects and a status string per request.
  let lastFinished: FinishedSeries | undefined;
  let lastServed: ServedSeries | undefined;
  return {
    inFlight: (delta: number) => inFlight.add('', {}, delta),
    /** One finished request: the counter and the latency histogram. */
    finished(route: string, method: string, status: number, seconds: number, tier = ''): void {
      let s = lastFinished;
      if (s === undefined || s.route !== route || s.method !== method || s.status !== status || s.tier !== tier) {
        s = lastFinished = {
          route,
          method,
          status,
          tier,
          requestsKey: `${route}|${method}|${status}`,
          requestsAttributes: { route, method, status: String(status) },
          durationKey: `${route}|${method}|${tier}`,
          durationAttributes: tier ? { route, method, tier } : { route, method },
        };
      }
      requests.add(s.requestsKey, s.requestsAttributes);
      duration.record(s.durationKey, s.durationAttributes, seconds);
    },
    served(route: string, format: string, deviceClass: string, bytes: number): void {
      let s = lastServed;
      if (s === undefined || s.route !== route || s.format !== format || s.deviceClass !== deviceClass) {
        s = lastServed = { route, format, deviceClass, key: `${route}|${format}|${deviceClass}`, attributes: { route, format, device_class: deviceClass } };
      }
      servedBytes.add(s.key, s.attributes, bytes);
    },
  };
}

interface FinishedSeries {
  route: string;
  method: string;
  status: number;
  tier: string;
  requestsKey: string;
  requestsAttributes: Attributes;
  durationKey: string;
  durationAttributes: Attributes;
}

interface ServedSeries {
  route: string;
  format: string;
  deviceClass: string;
  key: string;
  attributes: Attributes;
}

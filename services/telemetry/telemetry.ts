import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { metrics, resources } from '@opentelemetry/sdk-node';
import { FastMetrics } from './fast-metrics.js';

export interface Telemetry {
  readonly meter: Meter;
  /** Instruments for the hot paths (see fast-metrics.ts), exported on the same /metrics. */
  readonly fast: FastMetrics;
  /** Serves the Prometheus text exposition of every instrument made from `meter`. */
  handleScrape(req: IncomingMessage, res: ServerResponse): void;
  shutdown(): Promise<void>;
}

/** Histogram buckets in seconds, from a cache hit (~100 µs) to a slow upload (30 s). */
export const LATENCY_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * One meter provider per service instance (not the global one), so several instances can live
 * in one process (tests) without sharing counters. The exporter serves from our own HTTP
 * server's /metrics rather than opening a second port.
 */
export function createTelemetry(attributes: { role: string; instance?: string }): Telemetry {
  const fast = new FastMetrics();
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, metricProducers: [fast] });
  const provider = new metrics.MeterProvider({
    resource: resources.resourceFromAttributes({
      'service.name': 'imgsvc',
      'service.instance.id': attributes.instance ?? `${process.pid}`,
      'imgsvc.role': attributes.role,
    }),
    readers: [exporter],
  });
  return {
    meter: provider.getMeter('imgsvc'),
    fast,
    handleScrape: (req, res) => exporter.getMetricsRequestHandler(req, res),
    shutdown: () => provider.shutdown(),
  };
}

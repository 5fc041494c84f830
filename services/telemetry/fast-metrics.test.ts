import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from './telemetry.js';

describe('FastMetrics through the Prometheus exporter', () => {
  it('exports counters, gauges and histograms next to the SDK instruments, in Prometheus text format', async () => {
    const telemetry = createTelemetry({ role: 'test' });
    const counter = telemetry.fast.counter('imgsvc_test_things', 'Things', 'By');
    const gauge = telemetry.fast.gauge('imgsvc_test_level', 'Level');
    const histogram = telemetry.fast.histogram('imgsvc_test_duration_seconds', 'Durations', 's', [0.1, 1]);
    counter.add('a', { kind: 'a' }, 3);
    counter.add('a', { kind: 'a' }, 2);
    counter.add('b', { kind: 'b' });
    gauge.add('', {}, 5);
    gauge.add('', {}, -2);
    for (const v of [0.05, 0.5, 0.5, 7]) histogram.record('x', { route: '/x' }, v);
    telemetry.meter.createCounter('imgsvc_test_sdk').add(1);

    const server = createServer((req, res) => telemetry.handleScrape(req, res)).listen(0);
    const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
    server.close();
    await telemetry.shutdown();

    expect(text).toContain('# TYPE imgsvc_test_things_total counter');
    expect(text).toContain('imgsvc_test_things_total{kind="a"} 5');
    expect(text).toContain('imgsvc_test_things_total{kind="b"} 1');
    expect(text).toContain('# TYPE imgsvc_test_level gauge');
    expect(text).toContain('imgsvc_test_level 3');
    expect(text).toContain('imgsvc_test_duration_seconds_bucket{route="/x",le="0.1"} 1');
    expect(text).toContain('imgsvc_test_duration_seconds_bucket{route="/x",le="1"} 3');
    expect(text).toContain('imgsvc_test_duration_seconds_bucket{route="/x",le="+Inf"} 4');
    expect(text).toContain('imgsvc_test_duration_seconds_count{route="/x"} 4');
    expect(text).toContain('imgsvc_test_duration_seconds_sum{route="/x"} 8.05');
    expect(text).toContain('imgsvc_test_sdk_total 1');
  });
});

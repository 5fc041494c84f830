import { describe, expect, it } from 'vitest';
import { inputFor } from './fixtures.test-support.js';
import { hpa } from './hpa.js';
import { HpaSimulator, proposeForMetric } from './hpa-simulator.js';

const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } } as const;
const lag = { type: 'External', external: { metric: { name: 'q' }, target: { type: 'AverageValue', averageValue: '30' } } } as const;
const inFlight = { type: 'Pods', pods: { metric: { name: 'f' }, target: { type: 'AverageValue', averageValue: '16' } } } as const;

describe('proposeForMetric', () => {
  it.each([
    ['CPU within 10% tolerance', cpu, 10, 76, 10],
    ['CPU just past tolerance', cpu, 10, 78, 12],
    ['CPU doubling', cpu, 4, 140, 8],
    ['CPU halving', cpu, 10, 35, 5],
    ['Pods average', inFlight, 5, 40, 13],
    ['External total divided per pod', lag, 4, 300, 10],
    ['External within tolerance', lag, 10, 320, 10],
    ['External nothing waiting', lag, 10, 0, 0],
  ])('%s', (_name, metric, current, reading, expected) => {
    expect(proposeForMetric(metric, current, reading)).toBe(expected);
  });
});

describe('HpaSimulator with the generated HPAs', () => {
  const upload = hpa(inputFor({ upload: { autoscaling: { minReplicas: 2, maxReplicas: 100 } } }), 'upload')!;

  it('scales up at most by the larger of +100% and +4 pods per 15 s', () => {
    const sim = new HpaSimulator(upload);
    const steps: number[] = [];
    let replicas = 2;
    for (let t = 0; t < 60; t += 15) {
      replicas = sim.sync(t, replicas, (m) => (m.type === 'Resource' ? 70 * 50 / replicas : 0));
      steps.push(replicas);
    }
    // Demand of 50 pods: 2 → 6 (+4 beats +100%), 6 → 12, 12 → 24, 24 → 48.
    expect(steps).toEqual([6, 12, 24, 48]);
  });

  it('holds through the stabilization window, then sheds at most 20% a minute', () => {
    const sim = new HpaSimulator(upload);
    let replicas = 50;
    const at: Record<number, number> = {};
    for (let t = 0; t <= 600; t += 15) {
      replicas = sim.sync(t, replicas, (m) => (m.type === 'Resource' ? (t < 15 ? 70 : 70 * 10 / replicas) : 0));
      at[t] = replicas;
    }
    expect(at[285]).toBe(50);
    expect(at[315]).toBe(40);
    expect(at[330]).toBe(40);
    expect(at[375]).toBe(32);
    expect(at[600]).toBeLessThan(20);
  });

  it('stays within min and max', () => {
    const sim = new HpaSimulator(upload);
    expect(sim.sync(0, 2, () => 0)).toBe(2);
    let replicas = 90;
    for (let t = 0; t < 120; t += 15) replicas = sim.sync(t, replicas, (m) => (m.type === 'Resource' ? 700 : 0));
    expect(replicas).toBe(100);
  });

  it('takes the largest proposal across metrics', () => {
    const sim = new HpaSimulator(upload);
    expect(sim.sync(0, 4, (m) => (m.type === 'Resource' ? 70 : 32))).toBe(8);
  });
});

import { describe, expect, it } from 'vitest';
import { nextStep } from './retry-schedule.js';

const s = { baseMs: 5_000, maxMs: 3 * 3600_000, windowMs: 24 * 3600_000 };
const fail = { kind: 'status', status: 500 } as const;

describe('nextStep', () => {
  it('any 2xx is delivered; 410 is gone; 3xx, 4xx, 5xx and errors retry', () => {
    for (const status of [200, 201, 204, 299]) expect(nextStep({ kind: 'status', status }, 1, 0, 0, s)).toEqual({ status: 'delivered' });
    expect(nextStep({ kind: 'status', status: 410 }, 1, 0, 0, s)).toEqual({ status: 'gone' });
    for (const status of [301, 400, 404, 429, 500, 503]) expect(nextStep({ kind: 'status', status }, 1, 0, 0, s).status).toBe('failed');
    expect(nextStep({ kind: 'error', error: 'timeout' }, 1, 0, 0, s).status).toBe('failed');
  });

  it('backs off exponentially with full jitter, capped', () => {
    const at = (attempts: number, r: number) => (nextStep(fail, attempts, 0, 1000, s, () => r) as { nextAt: number }).nextAt - 1000;
    expect(at(1, 0.999999)).toBe(4_999);
    expect(at(2, 0.999999)).toBe(9_999);
    expect(at(5, 0.5)).toBe(40_000);
    expect(at(30, 0.5)).toBe(s.maxMs / 2);
    expect(at(3, 0)).toBe(0);
  });

  it('pulls the last retry in to the end of the window, then dead-letters', () => {
    const end = s.windowMs;
    expect(nextStep(fail, 20, 0, end - 1000, s, () => 0.99)).toEqual({ status: 'failed', nextAt: end });
    expect(nextStep(fail, 21, 0, end, s)).toEqual({ status: 'dead' });
    // A retry by hand opens a new window.
    expect(nextStep(fail, 22, end + 5, end + 10, s, () => 0).status).toBe('failed');
  });

  it('spends about the whole window on retries at the default schedule', () => {
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts++;
      const step = nextStep(fail, attempts, 0, now, s, () => 0.5);
      if (step.status !== 'failed') break;
      now = step.nextAt;
    }
    expect(now).toBe(s.windowMs);
    expect(attempts).toBeGreaterThan(10);
    expect(attempts).toBeLessThan(40);
  });
});

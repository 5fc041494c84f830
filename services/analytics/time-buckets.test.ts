import { describe, expect, it } from 'vitest';
import { dayId, hourId, HOUR_MS } from './time-buckets.js';

describe('hour and day ids', () => {
  it('match the ISO date of every instant, across hours and days, in any order', () => {
    const start = Date.UTC(2026, 11, 31, 22, 59, 59, 999);
    const instants = [start, start + 1, start + HOUR_MS, start - HOUR_MS, start + 1, start + 3 * HOUR_MS, 0, start];
    for (const ms of instants) {
      const iso = new Date(ms).toISOString();
      expect(hourId(ms)).toBe(iso.slice(0, 13).replace(/[-T]/g, ''));
      expect(dayId(ms)).toBe(iso.slice(0, 10).replace(/-/g, ''));
    }
  });
});

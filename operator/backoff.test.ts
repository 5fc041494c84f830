import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it.each([
    [0, 0, 50],
    [0, 1, 100],
    [3, 0, 400],
    [3, 1, 800],
    [20, 1, 30_000],
  ])('attempt %i with random %d waits %i ms (base 100, cap 30 s)', (attempt, random, expected) => {
    expect(backoffMs(attempt, 100, 30_000, () => random)).toBe(expected);
  });

  it('never waits zero, so a failing loop cannot spin', () => {
    expect(backoffMs(0, 100, 30_000, () => 0)).toBeGreaterThan(0);
  });
});

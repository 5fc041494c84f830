import { describe, expect, it } from 'vitest';
import { restartDelay } from './supervise-redis.js';

describe('restartDelay', () => {
  it.each([
    [1, 250],
    [2, 500],
    [3, 1_000],
    [6, 5_000],
    [50, 5_000],
  ])('restart %i waits %i ms', (attempt, ms) => {
    expect(restartDelay(attempt, 250, 5_000)).toBe(ms);
  });
});

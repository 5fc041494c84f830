import { describe, expect, it } from 'vitest';
import { snapWidth, WIDTH_LADDER } from './width-ladder.js';

describe('snapWidth', () => {
  it.each([
    [1, 5000, 16],
    [16, 5000, 16],
    [17, 5000, 32],
    [700, 5000, 800],
    [1281, 5000, 1600],
    [9999, 5000, 3840],
    [700, 600, 600],
    [10, 8, 8],
  ])('%d wanted of a %d px image → %d', (wanted, original, width) => expect(snapWidth(wanted, original)).toBe(width));

  it('is ascending and contains the eager widths', () => {
    expect([...WIDTH_LADDER].sort((a, b) => a - b)).toEqual([...WIDTH_LADDER]);
    for (const w of [320, 640, 1280]) expect(WIDTH_LADDER).toContain(w);
  });
});

import { describe, expect, it } from 'vitest';
import { isRenderTimeout } from './render-failure.js';

describe('isRenderTimeout', () => {
  it.each([
    ['timeout: 54% complete\nVipsImage: killed for image "temp-50"', 1_020, true],
    ['VipsImage: killed for image "temp-59"', 400, true],
    // Another render took the timeout text out of the shared buffer: the clock still tells.
    ['vips2png: unable to write to target target', 1_060, true],
    ['vips2png: unable to write to target target', 200, false],
    ['Input buffer contains unsupported image format', 5, false],
  ])('%j after %i ms with a 1 s limit → %s', (message, elapsed, expected) => {
    expect(isRenderTimeout(new Error(message), elapsed, 1)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { RUNG_TOLERANCE, snapWidth, WIDTH_LADDER } from './width-ladder.js';

describe('snapWidth', () => {
  it.each([
    [1, 5000, 16],
    [16, 5000, 16],
    [17, 5000, 32],
    [700, 5000, 800],
    [1082, 5000, 1080],
    [1090, 5000, 1080],
    [1091, 5000, 1170],
    [1281, 5000, 1280],
    [1292, 5000, 1280],
    [1293, 5000, 1600],
    [9999, 5000, 3840],
    [700, 600, 600],
    [10, 8, 8],
  ])('%d wanted of a %d px image → %d', (wanted, original, width) => expect(snapWidth(wanted, original)).toBe(width));

  it('is ascending and contains the eager widths', () => {
    expect([...WIDTH_LADDER].sort((a, b) => a - b)).toEqual([...WIDTH_LADDER]);
    for (const w of [320, 640, 1280]) expect(WIDTH_LADDER).toContain(w);
    expect(WIDTH_LADDER.length).toBeLessThanOrEqual(22);
  });
});

/**
 * Real devices, full-width images: CSS viewport width × DPR, the width a browser asks for in
 * `Sec-CH-Width`/`Sec-CH-Viewport-Width` × `Sec-CH-DPR` (rounded up, as Chromium does), and the
 * rung each gets. Sources: the manufacturers' screen specifications (viewport = physical / DPR).
 */
const DEVICES: ReadonlyArray<[name: string, cssWidth: number, dpr: number, rung: number]> = [
  ['Galaxy A-series / S-series (360 × 3)', 360, 3, 1080],
  ['Galaxy S8–S10 default (360 × 4)', 360, 4, 1600],
  ['Galaxy S20–S24 (384 × 2.8125)', 384, 2.8125, 1080],
  ['Pixel 6–8 (412 × 2.625)', 412, 2.625, 1080],
  ['Pixel 7 Pro (412 × 3.5)', 412, 3.5, 1600],
  ['iPhone SE 2/3 (375 × 2)', 375, 2, 800],
  ['iPhone XR / 11 (414 × 2)', 414, 2, 828],
  ['iPhone X–11 Pro (375 × 3)', 375, 3, 1170],
  ['iPhone 12–14 (390 × 3)', 390, 3, 1170],
  ['iPhone 14 Pro / 15 / 16 (393 × 3)', 393, 3, 1170],
  ['iPhone 12–14 Pro Max, 14 Plus (428 × 3)', 428, 3, 1280],
  ['iPhone 15 / 16 Plus and Pro Max (430 × 3)', 430, 3, 1280],
  ['iPad 10th gen (820 × 2)', 820, 2, 1920],
  ['laptop 1366 × 1', 1366, 1, 1600],
  ['laptop 1440 × 2 (MacBook Air 13")', 1440, 2, 3200],
  ['desktop 1920 × 1', 1920, 1, 1920],
];

describe('the rung real devices get', () => {
  it.each(DEVICES)('%s → rung %i', (_name, cssWidth, dpr, rung) => {
    const wanted = Math.ceil(cssWidth * dpr);
    const got = snapWidth(wanted, 8000);
    expect(got).toBe(rung);
    // Never more than the tolerance short, never more than ~25% wider than drawn.
    expect(got * (1 + RUNG_TOLERANCE)).toBeGreaterThanOrEqual(wanted);
    expect(got / wanted).toBeLessThanOrEqual(1.25);
  });
});

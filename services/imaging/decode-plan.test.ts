import { describe, expect, it } from 'vitest';
import type { VariantSpec } from '../core/variant-spec.js';
import { neededWidth, planDecode } from './decode-plan.js';

const spec = (width: number, box?: { height: number; fit: VariantSpec['fit'] }): VariantSpec => ({
  format: 'webp',
  width,
  quality: 80,
  animated: false,
  ...(box ?? {}),
});

describe('planDecode', () => {
  it.each([
    // source width, wanted width, shrink, base width
    [5640, 1280, 4, 1410],
    [5640, 640, 8, 705],
    [5640, 50, 8, 705],
    [5640, 3000, 1, 5640],
    [5640, 2820, 2, 2820],
    [1280, 1280, 1, 1280],
    [400, 1280, 1, 400],
    [10000, 1280, 4, 2500],
    [10000, 1251, 4, 2500],
  ])('a %i px source for %i px: shrink %i to %i px', (sourceWidth, width, shrink, baseWidth) => {
    expect(planDecode({ width: sourceWidth, height: 1000 }, spec(width))).toEqual({ shrink, baseWidth });
  });

  it('a box that covers needs the width its height asks for', () => {
    const source = { width: 4000, height: 1000 };
    expect(neededWidth(source, spec(200, { height: 400, fit: 'cover' }))).toBe(1600);
    expect(neededWidth(source, spec(200, { height: 400, fit: 'inside' }))).toBe(200);
    expect(planDecode(source, spec(200, { height: 400, fit: 'cover' }))).toEqual({ shrink: 2, baseWidth: 2000 });
  });

  it('never plans more than the source', () => {
    expect(neededWidth({ width: 300, height: 300 }, spec(200, { height: 900, fit: 'fill' }))).toBe(300);
  });
});

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
    // source width, wanted width, loader shrink, loader width, intermediate
    [5640, 1280, 2, 2820, undefined], // 4.4x: 1/2 (1/4 needs 5x)
    [5640, 640, 4, 1410, undefined], // 8.8x: 1/4 (1/8 needs 9x)
    [5640, 50, 8, 705, 256], // thumbnails from the shared 256 px intermediate
    [5640, 2820, 1, 5640, undefined], // exactly 2x: sharp halves the factor, full-size decode
    [2560, 1280, 1, 2560, undefined],
    [2560, 640, 2, 1280, undefined], // exactly 4x: only 1/2
    [5640, 600, 8, 705, undefined], // 9.4x: 1/8
    [2560, 128, 8, 320, 256],
    [1280, 1280, 1, 1280, undefined],
    [400, 1280, 1, 400, undefined],
    [200, 50, 1, 200, 200],
  ])('a %i px source for %i px: shrink %i to %i px', (sourceWidth, width, shrink, baseWidth, intermediateWidth) => {
    expect(planDecode({ width: sourceWidth, height: 1000 }, spec(width))).toEqual({ shrink, baseWidth, ...(intermediateWidth ? { intermediateWidth } : {}) });
  });

  it('a box that covers needs the width its height asks for', () => {
    const source = { width: 4000, height: 1000 };
    expect(neededWidth(source, spec(200, { height: 400, fit: 'cover' }))).toBe(1600);
    expect(neededWidth(source, spec(200, { height: 400, fit: 'inside' }))).toBe(200);
    expect(planDecode(source, spec(50, { height: 50, fit: 'cover' }))).toEqual({ shrink: 8, baseWidth: 500 });
    expect(planDecode(source, spec(50, { height: 20, fit: 'cover' })).intermediateWidth).toBe(256);
  });

  it('never plans more than the source', () => {
    expect(neededWidth({ width: 300, height: 300 }, spec(200, { height: 900, fit: 'fill' }))).toBe(300);
  });
});

import { describe, expect, it } from 'vitest';
import type { VariantSpec } from '../core/variant-spec.js';
import { INTERMEDIATE_WIDTH, jpegShrink, neededWidth, planDecode, planIntermediateLoad, sharpJpegShrink, SMALL_OUTPUT_MAX } from './decode-plan.js';

const spec = (width: number, box?: { height: number; fit: VariantSpec['fit'] }): VariantSpec => ({
  format: 'webp',
  width,
  quality: 80,
  animated: false,
  ...(box ?? {}),
});

describe('planDecode', () => {
  it.each([
    // source width, wanted width, loader shrink, opened from a file, loader width, intermediate
    [5640, 1280, 2, false, 2820, undefined], // 4.4x: 1/2 (1/4 is nearly a block average: lanczos3 does the rest)
    [5640, 640, 4, false, 1410, undefined], // 8.8x: 1/4
    [5640, 50, 8, false, 705, 256], // thumbnails from the shared 256 px intermediate
    [2268, 50, 8, true, 284, 256], // 8.9x to the intermediate: 1/8, where sharp decodes at 1/4
    [1278, 50, 4, true, 320, 256], // 5x: 1/4, where sharp decodes at 1/2
    [2047, 128, 8, true, 256, 256], // libjpeg rounds up: 1/8 of 2047 px is 256 px
    [2040, 128, 4, false, 510, 256], // 1/8 would be 255 px: sharp's own 1/4
    [5640, 2820, 2, true, 2820, undefined], // exactly 2x: sharp would decode at full size; we tell the loader 1/2
    [2560, 1280, 2, true, 1280, undefined], // the 1280 px first view of a 2560 px photo: no resize left at all
    [2560, 1000, 2, true, 1280, undefined], // 2.56x
    [2560, 853, 2, false, 1280, undefined], // 3.001x: sharp's own 1/2
    [2560, 640, 2, false, 1280, undefined], // exactly 4x: only 1/2
    [5640, 600, 8, false, 705, undefined], // 9.4x: 1/8
    [2560, 128, 8, false, 320, 256],
    [1280, 1280, 1, false, 1280, undefined],
    [400, 1280, 1, false, 400, undefined],
    [512, 200, 2, true, 256, undefined],
    [200, 50, 1, false, 200, 200],
  ])('a JPEG %i px wide for %i px: shrink %i (from a file: %s) to %i px', (sourceWidth, width, shrink, viaFile, baseWidth, intermediateWidth) => {
    const source = { format: 'jpeg', width: sourceWidth, height: 1000 };
    expect(planDecode(source, spec(width))).toEqual({ shrink, viaFile, baseWidth, ...(intermediateWidth ? { intermediateWidth } : {}) });
  });

  it.each([
    // source width, wanted width, loader shrink, loader width, intermediate: sharp's own choice (what a JPEG got before)
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
  ])("another format %i px wide for %i px: sharp's own scale, shrink %i to %i px", (sourceWidth, width, shrink, baseWidth, intermediateWidth) => {
    const expected = { shrink, viaFile: false, baseWidth, ...(intermediateWidth ? { intermediateWidth } : {}) };
    expect(planDecode({ width: sourceWidth, height: 1000 }, spec(width))).toEqual(expected);
    expect(planDecode({ format: 'webp', width: sourceWidth, height: 1000 }, spec(width))).toEqual(expected);
  });

  it('tells the loader only where sharp would decode larger, and never by more than what is left for the resize', () => {
    for (let from = 100; from <= 12_000; from += 37) {
      for (const to of [50, 128, 256, 320, 640, 1080, 1280, 1920, 2560]) {
        if (to > from) continue;
        const ours = jpegShrink(from, to);
        const sharps = sharpJpegShrink(from, to);
        expect(ours).toBeGreaterThanOrEqual(sharps);
        // Never below the wanted size (libjpeg rounds up), and under 3x left: sharp reloads from 3x.
        expect(Math.ceil(from / ours)).toBeGreaterThanOrEqual(to);
        if (ours !== sharps) expect(from / ours / to).toBeLessThan(1.5);
      }
    }
  });
  it("opens a JPEG for the intermediate at libjpeg's smallest scale that still gives its width", () => {
    for (let from = INTERMEDIATE_WIDTH; from <= 12_000; from += 7) {
      const { shrink, viaFile } = planIntermediateLoad({ format: 'jpeg' }, from, INTERMEDIATE_WIDTH);
      expect(Math.ceil(from / shrink)).toBeGreaterThanOrEqual(INTERMEDIATE_WIDTH);
      // One scale smaller would be under the intermediate's width (or there is none).
      if (shrink < 8) expect(Math.ceil(from / (shrink * 2))).toBeLessThan(INTERMEDIATE_WIDTH);
      expect(shrink).toBeGreaterThanOrEqual(sharpJpegShrink(from, INTERMEDIATE_WIDTH));
      expect(viaFile).toBe(shrink > sharpJpegShrink(from, INTERMEDIATE_WIDTH));
    }
    // What it buys is spent downstream: every output from the intermediate is reduced 2x or more again.
    expect(INTERMEDIATE_WIDTH / SMALL_OUTPUT_MAX).toBeGreaterThanOrEqual(2);
    // Other formats keep sharp's own choice.
    expect(planIntermediateLoad({ format: 'webp' }, 2268, 256)).toEqual({ shrink: 4, viaFile: false });
  });

  it('a box that covers needs the width its height asks for', () => {
    const source = { width: 4000, height: 1000 };
    expect(neededWidth(source, spec(200, { height: 400, fit: 'cover' }))).toBe(1600);
    expect(neededWidth(source, spec(200, { height: 400, fit: 'inside' }))).toBe(200);
    expect(planDecode(source, spec(50, { height: 50, fit: 'cover' }))).toEqual({ shrink: 8, viaFile: false, baseWidth: 500 });
    // A box keeps sharp's choice even for a baseline JPEG at 2x.
    expect(planDecode({ ...source, format: 'jpeg' }, spec(2000, { height: 500, fit: 'cover' }))).toEqual({ shrink: 1, viaFile: false, baseWidth: 4000 });
    expect(planDecode(source, spec(50, { height: 20, fit: 'cover' })).intermediateWidth).toBe(256);
  });

  it('never plans more than the source', () => {
    expect(neededWidth({ width: 300, height: 300 }, spec(200, { height: 900, fit: 'fill' }))).toBe(300);
  });
});

import { describe, expect, it } from 'vitest';
import type { VariantSpec } from '../core/variant-spec.js';
import { estimateTransformBytes } from './estimate-memory.js';
import type { SourceInfo } from './source-info.js';

const MiB = 1024 * 1024;
const avif1280: VariantSpec = { format: 'avif', width: 1280, quality: 65, animated: false };
const source = (o: Partial<SourceInfo>): SourceInfo => ({
  format: 'png', width: 10_000, height: 10_000, frames: 1, bands: 4, bytesPerSample: 2, progressive: false, sourceBytes: 800_000, ...o,
});

describe('estimateTransformBytes', () => {
  it('charges an interlaced PNG its whole decoded frame: at least the 895 MiB measured for 10000x10000 RGBA16', () => {
    const bytes = estimateTransformBytes(source({ progressive: true }), [avif1280]);
    expect(bytes).toBeGreaterThan(895 * MiB);
    expect(bytes).toBeLessThan(1024 * MiB);
  });

  it('charges a plain PNG a strip of rows, not the frame (measured 176 MiB)', () => {
    const bytes = estimateTransformBytes(source({}), [avif1280]);
    expect(bytes).toBeGreaterThan(176 * MiB);
    expect(bytes).toBeLessThan(300 * MiB);
  });

  it('scales with bit depth and bands', () => {
    const rgba16 = estimateTransformBytes(source({ progressive: true }), [avif1280]);
    const rgb8 = estimateTransformBytes(source({ progressive: true, bands: 3, bytesPerSample: 1 }), [avif1280]);
    expect(rgba16 - rgb8).toBeCloseTo(10_000 * 10_000 * 5, -6);
  });

  it('lets shrink-on-load cut a baseline JPEG to a fraction of a progressive one', () => {
    const jpeg = source({ format: 'jpeg', bands: 3, bytesPerSample: 1, width: 8000, height: 6000 });
    const baseline = estimateTransformBytes(jpeg, [{ ...avif1280, width: 320 }]);
    const progressive = estimateTransformBytes({ ...jpeg, progressive: true }, [{ ...avif1280, width: 320 }]);
    expect(baseline).toBeLessThan(150 * MiB);
    expect(progressive).toBeGreaterThan(baseline + 250 * MiB);
  });

  it('charges animated output for every frame', () => {
    const gif = source({ format: 'gif', width: 16, height: 16, frames: 200_000, bands: 3, bytesPerSample: 1 });
    const still = estimateTransformBytes(gif, [{ ...avif1280, width: 16 }]);
    const animated = estimateTransformBytes(gif, [{ format: 'webp', width: 16, quality: 85, animated: true }]);
    expect(animated - still).toBeGreaterThan(200_000 * 16 * 16 * 4);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESETS, parsePresets, planVariants, type Preset } from './eager-presets.js';

const presets = (text: string): Preset[] => {
  const parsed = parsePresets(text);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.presets;
};

describe('parsePresets', () => {
  it('reads the default set', () => {
    expect(presets(DEFAULT_PRESETS)).toEqual([
      { name: 'thumb', width: 50, formats: ['avif', 'webp', 'source'] },
      { name: 'w320', width: 320, formats: [] },
      { name: 'w640', width: 640, formats: [] },
      { name: 'w1280', width: 1280, formats: [] },
    ]);
  });

  it('lists every problem', () => {
    const parsed = parsePresets('thumb=50:webp,Big=0:tiff,thumb=60:jpeg,nonsense');
    expect('problems' in parsed && parsed.problems).toHaveLength(5);
  });
});

describe('planVariants', () => {
  /** The default thumbnails plus an eager display ladder, as an operator may configure it. */
  const set = presets('thumb=50:avif+webp+source,w320=320:webp,w640=640:webp,w1280=1280:webp');

  it('makes only the thumbnails by default: display presets are on demand', () => {
    const planned = planVariants({ width: 4000, hasAlpha: false }, presets(DEFAULT_PRESETS));
    expect(planned.map((p) => `${p.preset}:${p.spec.format}:${p.spec.width}`)).toEqual(['thumb:avif:50', 'thumb:webp:50', 'thumb:jpeg:50']);
  });

  it('makes every preset in every format for a large photo', () => {
    const planned = planVariants({ width: 4000, hasAlpha: false }, set);
    expect(planned.map((p) => `${p.preset}:${p.spec.format}:${p.spec.width}`)).toEqual([
      'thumb:avif:50',
      'thumb:webp:50',
      'thumb:jpeg:50',
      'w320:webp:320',
      'w640:webp:640',
      'w1280:webp:1280',
    ]);
  });

  it('uses PNG for the source family when there is alpha', () => {
    expect(planVariants({ width: 4000, hasAlpha: true }, set)[2]?.spec.format).toBe('png');
  });

  it('never upscales, and folds presets the cap makes equal', () => {
    const planned = planVariants({ width: 500, hasAlpha: false }, set);
    expect(planned.map((p) => `${p.preset}:${p.spec.format}:${p.spec.width}`)).toEqual([
      'thumb:avif:50',
      'thumb:webp:50',
      'thumb:jpeg:50',
      'w320:webp:320',
      'w640:webp:500',
    ]);
    const tiny = planVariants({ width: 31, hasAlpha: true }, set);
    expect(tiny.map((p) => `${p.spec.format}:${p.spec.width}`)).toEqual(['avif:31', 'webp:31', 'png:31']);
  });
});

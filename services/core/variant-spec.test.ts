import { describe, expect, it } from 'vitest';
import { displaySpec, variantName } from './variant-spec.js';

describe('displaySpec', () => {
  it.each([
    [{ format: 'jpeg', width: 800, hasAlpha: false, frames: 1 }, { format: 'jpeg', width: 800, animated: false }],
    [{ format: 'png', width: 64, hasAlpha: true, frames: 1 }, { format: 'png', width: 64, animated: false }],
    [{ format: 'tiff', width: 768, hasAlpha: false, frames: 1 }, { format: 'jpeg', width: 768, animated: false }],
    [{ format: 'tiff', width: 32, hasAlpha: true, frames: 1 }, { format: 'png', width: 32, animated: false }],
    [{ format: 'gif', width: 402, hasAlpha: false, frames: 57 }, { format: 'gif', width: 402, animated: true }],
    [{ format: 'webp', width: 10, hasAlpha: false, frames: 3 }, { format: 'webp', width: 10, animated: true }],
  ] as const)('%o → %o', (source, expected) => {
    expect(displaySpec(source)).toMatchObject(expected);
  });
});

describe('variantName', () => {
  it('names every input that changes the bytes', () => {
    expect(variantName({ format: 'webp', width: 640, quality: 80, animated: false })).toBe('w640-q80');
    expect(variantName({ format: 'png', width: 50, quality: 100, animated: false })).toBe('w50');
    expect(variantName({ format: 'gif', width: 200, quality: 100, animated: true })).toBe('w200-anim');
  });
});

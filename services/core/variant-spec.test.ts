import { describe, expect, it } from 'vitest';
import { variantName } from './variant-spec.js';

describe('variantName', () => {
  it('names every input that changes the bytes', () => {
    expect(variantName({ format: 'webp', width: 640, quality: 80, animated: false })).toBe('w640-q80');
    expect(variantName({ format: 'png', width: 50, quality: 100, animated: false })).toBe('w50');
    expect(variantName({ format: 'gif', width: 200, quality: 100, animated: true })).toBe('w200-anim');
    expect(variantName({ format: 'avif', width: 480, quality: 50, animated: false, height: 480, fit: 'cover' })).toBe('w480-h480-cover-q50');
  });
});

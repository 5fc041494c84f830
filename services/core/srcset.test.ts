import { describe, expect, it } from 'vitest';
import { buildSrcset } from './srcset.js';

const photo = { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', width: 2000, height: 1000, hasAlpha: false, animated: false };

describe('buildSrcset', () => {
  it('lists AVIF and WebP sources and a JPEG img, at ladder widths capped by the original', () => {
    const out = buildSrcset(photo, 'https://img.example.com', { sizes: '(max-width: 600px) 100vw, 50vw', alt: 'A "quoted" <cat>' });
    expect(out.widths).toEqual([320, 480, 640, 960, 1280, 1920, 2000]);
    expect(out.sources.map((s) => s.type)).toEqual(['image/avif', 'image/webp']);
    expect(out.sources[0]!.srcset.split(', ')[0]).toBe('https://img.example.com/i/01ARZ3NDEKTSV4RRFFQ69G5FAV?w=320&fmt=avif 320w');
    expect(out.img.src).toBe('https://img.example.com/i/01ARZ3NDEKTSV4RRFFQ69G5FAV?w=1280&fmt=jpeg');
    expect(out.html).toContain('<picture>');
    expect(out.html).toContain('sizes="(max-width: 600px) 100vw, 50vw"');
    expect(out.html).toContain('alt="A &quot;quoted&quot; &lt;cat&gt;"');
    expect(out.html).toContain('width="2000" height="1000"');
  });

  it('uses PNG for alpha, GIF fallback and no AVIF for animations, and honours widths and formats', () => {
    expect(buildSrcset({ ...photo, hasAlpha: true }, '', {}).img.src).toContain('fmt=png');
    const anim = buildSrcset({ ...photo, animated: true }, '', {});
    expect(anim.sources.map((s) => s.type)).toEqual(['image/webp']);
    expect(anim.img.src).toContain('fmt=gif');
    const custom = buildSrcset(photo, '', { widths: '100,700,5000', formats: 'webp,jpg' });
    expect(custom.widths).toEqual([128, 800, 2000]);
    expect(custom.sources.map((s) => s.type)).toEqual(['image/webp']);
  });

  it.each([
    [{ widths: 'a,b' }, /widths/],
    [{ widths: '0' }, /widths/],
    [{ formats: 'bmp' }, /formats/],
    [{ sizes: '"><script>' }, /sizes/],
  ])('refuses %o', (query, message) => {
    expect(() => buildSrcset(photo, '', query)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(message) }));
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESETS, parsePresets, type Preset } from './eager-presets.js';
import { negotiate, type SourceImage } from './negotiate.js';
import { DEFAULT_QUALITY, SAVE_DATA_QUALITY } from './quality.js';
import { SIGNED, SNAP_ALL, type SizePolicy } from './variant-sizes.js';
import { WIDTH_LADDER } from './width-ladder.js';

const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;

/** Real header sets, as the browsers send them for <img> requests. */
const BROWSERS = {
  chromeAndroid: {
    accept: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
    'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  },
  safariIphone: {
    accept: 'image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
    'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
  safari14Mac: {
    accept: 'image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5',
    'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.1 Safari/605.1.15',
  },
  firefoxDesktop: {
    accept: 'image/avif,image/webp,*/*',
    'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  },
  ie11: {
    accept: 'image/png, image/svg+xml, image/*;q=0.8, */*;q=0.5',
    'user-agent': 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
  },
  ipad: {
    accept: 'image/webp,image/avif,*/*;q=0.5',
    'user-agent': 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
  googlebot: { accept: '*/*', 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  curl: { accept: '*/*', 'user-agent': 'curl/8.5.0' },
} as const;

const photo: SourceImage = { width: 4000, height: 3000, format: 'jpeg', hasAlpha: false, frames: 1 };
const alpha: SourceImage = { width: 2000, height: 1000, format: 'png', hasAlpha: true, frames: 1 };
const animated: SourceImage = { width: 400, height: 300, format: 'gif', hasAlpha: false, frames: 12 };
const small: SourceImage = { width: 300, height: 200, format: 'jpeg', hasAlpha: false, frames: 1 };

const run = (headers: Record<string, string>, query: Record<string, string> = {}, source = photo, preset?: string, policy: SizePolicy = SNAP_ALL) =>
  negotiate({ headers, query, preset }, source, presets, policy);
/** The same request in a signed URL: its size and quality are exact. */
const signed = (headers: Record<string, string>, query: Record<string, string> = {}, source = photo) => run(headers, query, source, undefined, SIGNED);

describe('negotiate: format', () => {
  it.each([
    ['Chrome on Android', BROWSERS.chromeAndroid, photo, 'avif'],
    ['Safari on iPhone (lists WebP first, AVIF too: tie goes to the smaller)', BROWSERS.safariIphone, photo, 'avif'],
    ['Safari 14 (WebP, no AVIF)', BROWSERS.safari14Mac, photo, 'webp'],
    ['Firefox desktop', BROWSERS.firefoxDesktop, photo, 'avif'],
    ['IE 11 (neither)', BROWSERS.ie11, photo, 'jpeg'],
    ['IE 11 with alpha', BROWSERS.ie11, alpha, 'png'],
    ['a crawler sending */*', BROWSERS.googlebot, photo, 'jpeg'],
    ['curl */* with alpha', BROWSERS.curl, alpha, 'png'],
    ['no Accept at all', { 'user-agent': 'x' }, photo, 'jpeg'],
    ['image/* only', { accept: 'image/*' }, photo, 'jpeg'],
    ['AVIF refused with q=0', { accept: 'image/avif;q=0,image/webp,*/*' }, photo, 'webp'],
    ['WebP preferred by q-value', { accept: 'image/avif;q=0.5,image/webp;q=0.9,*/*;q=0.1' }, photo, 'webp'],
    ['animated GIF to a WebP browser', BROWSERS.chromeAndroid, animated, 'webp'],
    ['animated GIF to an old browser', BROWSERS.ie11, animated, 'gif'],
    ['a PNG-only client gets PNG for a photo', { accept: 'image/png' }, photo, 'png'],
  ])('%s → %s', (_name, headers, source, format) => {
    const result = run(headers as Record<string, string>, {}, source);
    expect(result.spec.format).toBe(format);
    expect(result.vary).toContain('Accept');
  });

  it('keeps animated sources animated in WebP and GIF, not with anim=0', () => {
    expect(run(BROWSERS.chromeAndroid, {}, animated).spec.animated).toBe(true);
    expect(run(BROWSERS.chromeAndroid, { anim: '0' }, animated).spec).toMatchObject({ format: 'avif', animated: false });
  });

  it('lets fmt= win, without Vary: Accept', () => {
    const result = run(BROWSERS.ie11, { fmt: 'webp' });
    expect(result.spec.format).toBe('webp');
    expect(result.vary).not.toContain('Accept');
    expect(run(BROWSERS.chromeAndroid, { fmt: 'jpg' }).spec.format).toBe('jpeg');
    expect(run(BROWSERS.chromeAndroid, { fmt: 'auto' }).spec.format).toBe('avif');
  });

  it('answers 406 when nothing acceptable exists', () => {
    expect(() => run({ accept: 'text/html' })).toThrow(expect.objectContaining({ status: 406 }));
    // Every type that would have been served is named, PNG included.
    expect(() => run({ accept: 'text/html' })).toThrow(expect.objectContaining({ message: expect.stringMatching(/image\/avif, image\/webp, image\/jpeg, image\/png, image\/gif$/) }));
  });
});

describe('negotiate: size', () => {
  it.each([
    ['Sec-CH-Width (device px) snaps up', { 'sec-ch-width': '700' }, 800],
    ['legacy Width hint', { width: '300' }, 320],
    ['Viewport-Width × DPR', { 'sec-ch-viewport-width': '390', 'sec-ch-dpr': '3' }, 1170], // 1170: the rung for 390–393 px phones at DPR 3
    ['DPR capped at 3', { 'sec-ch-viewport-width': '400', 'sec-ch-dpr': '5' }, 1280],
    ['phone UA, no hints: 412 × 2', { 'user-agent': BROWSERS.chromeAndroid['user-agent'] }, 828], // 824 wanted: the 828 rung
    ['tablet UA, no hints: 820 × 2', { 'user-agent': BROWSERS.ipad['user-agent'] }, 1920],
    ['desktop UA, no hints', { 'user-agent': BROWSERS.firefoxDesktop['user-agent'] }, 1280],
    ['crawler', { 'user-agent': BROWSERS.googlebot['user-agent'] }, 1280],
    ['phone with DPR hint but no width', { 'user-agent': BROWSERS.chromeAndroid['user-agent'], 'sec-ch-dpr': '3' }, 1280],
    ['Save-Data phone serves 1x', { 'user-agent': BROWSERS.chromeAndroid['user-agent'], 'save-data': 'on' }, 480],
    ['Save-Data with a Width hint divides out the DPR', { 'sec-ch-width': '1200', 'sec-ch-dpr': '3', 'save-data': 'on' }, 480],
  ])('%s → %d', (_name, headers, width) => {
    expect(run(headers as Record<string, string>).spec.width).toBe(width);
  });

  it('never upscales: the original width caps every choice', () => {
    expect(run({ 'sec-ch-width': '3000' }, {}, small).spec.width).toBe(300);
    expect(run({}, { w: '2000' }, small).spec.width).toBe(300);
    expect(run({}, {}, small, 'w1280').spec.width).toBe(300);
  });

  it('varies on the hints it consulted, and on User-Agent only when it fell back to it', () => {
    const hinted = run({ 'sec-ch-width': '500', accept: '*/*' });
    expect(hinted.vary).toEqual(expect.arrayContaining(['Accept', 'Sec-CH-Width', 'Width', 'Sec-CH-DPR', 'DPR', 'Save-Data']));
    expect(hinted.vary).not.toContain('User-Agent');
    expect(run({ accept: '*/*' }).vary).toContain('User-Agent');
    expect(run({ 'sec-ch-viewport-width': '390' }).vary).not.toContain('User-Agent');
  });

  it('takes explicit w, h, dpr and fit from a signed URL exactly, not snapped, with no hint Vary', () => {
    const result = signed(BROWSERS.chromeAndroid, { w: '400', dpr: '2' });
    expect(result.spec.width).toBe(800);
    expect(result.vary).toEqual(['Accept', 'Save-Data', 'ECT']);
    expect(signed({}, { w: '333' }).spec.width).toBe(333);
    expect(signed({}, { w: '301', dpr: '1.5' }).spec.width).toBe(452);
    expect(signed({}, { h: '300' }).spec.width).toBe(400); // 300 × 4/3
    expect(signed({}, { w: '1000', h: '300' }).spec.width).toBe(400); // inside both
    // Exact, and not one of the sizes storage keeps: a one-off for the memory cache.
    expect(signed({}, { w: '333' })).toMatchObject({ stored: false });
    expect(signed({}, { w: '333' }).canonical).toBeUndefined();
    expect(signed({}, { w: '640' })).toMatchObject({ stored: true });
  });

  it('snaps an unsigned URL\'s explicit sizes up to the ladder and names the URL of what it serves', () => {
    expect(run({}, { w: '333' })).toMatchObject({ spec: { width: 480 }, stored: true, canonical: 'w=480' });
    expect(run({}, { w: '400', dpr: '2' })).toMatchObject({ spec: { width: 800 }, stored: true, canonical: 'w=800' });
    expect(run({}, { w: '301', dpr: '1.5' }).spec.width).toBe(480); // 452 → 480
    expect(run({}, { h: '300' }).spec.width).toBe(480); // 400 → 480
    expect(run({}, { w: '1079' }).spec.width).toBe(1080); // within the rung tolerance
    expect(run({}, { w: '5000', fmt: 'webp' }, small)).toMatchObject({ spec: { width: small.width }, stored: true, canonical: `w=${small.width}&fmt=webp` });
    // q is ignored (the tuned quality), and left out of the canonical URL.
    expect(run({ accept: 'image/webp' }, { w: '640', q: '17', anim: '0' })).toMatchObject({ spec: { width: 640, quality: DEFAULT_QUALITY.webp }, stored: true, canonical: 'w=640&anim=0' });
  });

  it('keeps a box\'s proportions at the snapped width, out of storage', () => {
    const box = run({}, { w: '300', h: '200', fit: 'cover', fmt: 'jpeg' });
    expect(box.spec).toMatchObject({ width: 320, height: 213, fit: 'cover' });
    expect(box).toMatchObject({ stored: false, canonical: 'w=320&h=213&fit=cover&fmt=jpeg' });
    // Asking for the canonical URL gives the same variant.
    expect(run({}, { w: '320', h: '213', fit: 'cover', fmt: 'jpeg' }).spec).toEqual(box.spec);
  });

  it('honours the allow-list exactly for anyone, at whole DPRs, and still ignores q', () => {
    const policy: SizePolicy = { signed: false, allowed: [{ width: 333 }, { width: 300, height: 300 }, { height: 250 }] };
    const allowed = (query: Record<string, string>) => run({ accept: 'image/webp' }, query, photo, undefined, policy);
    expect(allowed({ w: '333' })).toMatchObject({ spec: { width: 333 }, stored: false });
    expect(allowed({ w: '333' }).canonical).toBeUndefined();
    expect(allowed({ w: '333', dpr: '1.3' }).spec.width).toBe(666); // DPR rounded up to 2
    expect(allowed({ w: '300', h: '300', fit: 'cover' }).spec).toMatchObject({ width: 300, height: 300 });
    expect(allowed({ h: '250' }).spec.width).toBe(333); // 250 × 4/3
    expect(allowed({ w: '333', q: '20' }).spec.quality).toBe(DEFAULT_QUALITY.webp);
    // A size the list does not name snaps.
    expect(allowed({ w: '334' }).spec.width).toBe(480);
    expect(allowed({ w: '300' }).spec.width).toBe(320);
  });

  it('gives any number of unsigned URLs at most one stored variant per rung and format', () => {
    const stored = new Set<string>();
    const fits = ['inside', 'cover', 'contain', 'fill'];
    const formats = ['webp', 'avif', 'jpeg', 'png', 'gif', 'auto'];
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 2000; i++) {
      const query: Record<string, string> = { w: String(1 + next(8192)), fmt: formats[next(formats.length)]!, q: String(1 + next(100)), dpr: String(1 + next(3)) };
      if (next(2)) query.h = String(1 + next(8192));
      if (next(2)) query.fit = fits[next(fits.length)]!;
      const { spec, stored: keep } = run({ accept: 'image/avif,image/webp,*/*' }, query);
      if (keep) stored.add(`${spec.format} ${spec.width} ${spec.quality} ${spec.height ?? ''}`);
    }
    expect(stored.size).toBeLessThanOrEqual((WIDTH_LADDER.length + 1) * 5);
    for (const key of stored) expect([...WIDTH_LADDER, photo.width]).toContain(Number(key.split(' ')[1]));
  });

  it.each([
    ['a 300×300 crop is 300×300', { w: '300', h: '300', fit: 'cover' }, photo, { width: 300, height: 300, fit: 'cover' }],
    ['a box at dpr 2', { w: '200', h: '100', fit: 'contain', dpr: '2' }, photo, { width: 400, height: 200, fit: 'contain' }],
    ['a box wider than the original keeps its shape', { w: '600', h: '300', fit: 'cover' }, small, { width: 300, height: 150 }],
    ['a box taller than the original keeps its shape', { w: '300', h: '600', fit: 'fill' }, small, { width: 100, height: 200 }],
  ])('%s', (_name, query, source, expected) => {
    expect(signed({}, query as Record<string, string>, source).spec).toMatchObject(expected);
  });

  it('uses a named preset width exactly', () => {
    const result = run(BROWSERS.chromeAndroid, {}, photo, 'thumb');
    expect(result.spec).toMatchObject({ width: 50, format: 'avif' });
    expect(result.vary).toEqual(['Accept', 'Save-Data', 'ECT']);
  });
});

describe('negotiate: quality', () => {
  it('uses the tuned default, lowered by Save-Data or 2G, and a signed q= wins', () => {
    expect(run({ accept: 'image/webp' }).spec.quality).toBe(DEFAULT_QUALITY.webp);
    expect(run({ accept: 'image/webp', 'save-data': 'on' }).spec.quality).toBe(SAVE_DATA_QUALITY.webp);
    expect(run({ accept: 'image/webp', ect: 'slow-2g' }).spec.quality).toBe(SAVE_DATA_QUALITY.webp);
    expect(run({ accept: 'image/webp', ect: '4g' }).spec.quality).toBe(DEFAULT_QUALITY.webp);
    const explicit = signed({ accept: 'image/webp', 'save-data': 'on' }, { q: '90', w: '100' });
    expect(explicit.spec.quality).toBe(90);
    expect(explicit.vary).toEqual(['Accept']);
  });

  it.each([
    ['w and fmt (what srcset emits)', { w: '640', fmt: 'webp' }, undefined],
    ['h and fmt', { h: '300', fmt: 'avif' }, undefined],
    ['a box and fmt', { w: '300', h: '300', fit: 'cover', fmt: 'jpeg' }, undefined],
    ['a preset and fmt', { fmt: 'webp' }, 'w640'],
  ])('ignores Save-Data and ECT when the URL fixes format and size: %s', (_name, query, preset) => {
    const plain = run({ accept: 'image/webp' }, query, photo, preset);
    for (const headers of [{ 'save-data': 'on' }, { ect: '2g' }, { ect: 'slow-2g', 'save-data': 'on' }] as Record<string, string>[]) {
      const frugal = run({ accept: 'image/webp', ...headers }, query, photo, preset);
      expect(frugal.spec).toEqual(plain.spec);
      expect(frugal.vary).toEqual([]);
    }
    expect(plain.spec.quality).toBe(DEFAULT_QUALITY[plain.spec.format]);
  });

  it('still lowers quality for Save-Data when the URL leaves the format or the size open', () => {
    expect(run({ accept: 'image/webp', 'save-data': 'on' }, { w: '640' }).spec.quality).toBe(SAVE_DATA_QUALITY.webp);
    expect(run({ 'save-data': 'on' }, { fmt: 'webp' }).spec.quality).toBe(SAVE_DATA_QUALITY.webp);
  });
});

describe('negotiate: bad parameters', () => {
  it.each([
    [{ w: '-1' }, /w/],
    [{ w: 'abc' }, /integer from 1 to 8192 for w/],
    [{ w: '100000' }, /w/],
    [{ q: '1000' }, /integer from 1 to 100 for q/],
    [{ q: '0' }, /q/],
    [{ dpr: '9' }, /number from 1 to 3 for dpr/],
    [{ fmt: 'bmp' }, /fmt/],
    [{ fit: 'stretch' }, /fit/],
    [{ anim: 'yes' }, /anim/],
    [{ width: '100' }, /unknown query parameter "width"/],
  ])('%o → 400 naming the parameter', (query, message) => {
    expect(() => run({}, query as Record<string, string>)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(message) }));
  });

  it('refuses an unknown preset, listing the known ones', () => {
    expect(() => run({}, {}, photo, 'huge')).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/thumb, w320, w640, w1280/) }));
  });
});

describe('negotiate: per-image quality', () => {
  const searched: SourceImage = { ...photo, qualities: { jpeg: 62, webp: 58, avif: 47 } };

  it.each([
    ['avif at a display width', { accept: 'image/avif,image/webp,*/*', 'sec-ch-width': '1080' }, 'avif', 47],
    ['webp at a display width', { accept: 'image/webp,*/*', 'sec-ch-width': '640' }, 'webp', 58],
    ['jpeg at a display width', { accept: '*/*', 'sec-ch-width': '640' }, 'jpeg', 62],
    ['Save-Data keeps its own table', { accept: 'image/webp,*/*', 'sec-ch-width': '640', 'save-data': 'on' }, 'webp', 45],
  ])('%s', (_name, headers, format, quality) => {
    const { spec } = run(headers, {}, searched);
    expect(spec.format).toBe(format);
    expect(spec.quality).toBe(quality);
  });

  it('leaves thumbnails at the fixed table (the eager ones are made before the search)', () => {
    const { spec } = run({ accept: 'image/webp,*/*' }, {}, searched, 'thumb');
    expect(spec.width).toBe(50);
    expect(spec.quality).toBe(85);
  });

  it('an explicit q in a signed URL still wins (an unsigned one is ignored)', () => {
    expect(signed({ accept: '*/*' }, { q: '90', w: '640' }, searched).spec.quality).toBe(90);
    expect(signed({ accept: '*/*' }, { q: '90', w: '640' }, searched).stored).toBe(false);
    expect(run({ accept: '*/*' }, { q: '90', w: '640' }, searched).spec.quality).toBe(62);
  });

  it('does not offer a format the search found no smaller than JPEG', () => {
    const noWebp: SourceImage = { ...photo, qualities: { jpeg: 73, webp: 88, avif: 69, skip: ['webp'] } };
    expect(run({ accept: 'image/webp,*/*' }, {}, noWebp).spec.format).toBe('jpeg');
    expect(run({ accept: 'image/avif,image/webp,*/*' }, {}, noWebp).spec.format).toBe('avif');
    // A client that takes WebP and nothing else still gets it, bigger or not.
    expect(run({ accept: 'image/webp' }, {}, noWebp).spec.format).toBe('webp');
  });
});

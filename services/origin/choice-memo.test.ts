import { describe, expect, it } from 'vitest';
import { parsePresets, DEFAULT_PRESETS, type Preset } from '../core/eager-presets.js';
import { negotiate } from '../core/negotiate.js';
import type { ImageRecord } from '../images/image-record.js';
import { ChoiceMemo } from './choice-memo.js';

const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;
const record = (over: Partial<ImageRecord> = {}) =>
  ({ id: '01M8TG3KY2H8S6Q646WX0N7S19', sha256: 'e87bac231e2c11b1'.padEnd(64, '0'), visibility: 'public', format: 'jpeg', width: 2560, height: 1600, hasAlpha: false, frames: 1, bytes: 1000, ...over }) as ImageRecord;
const chrome = { accept: 'image/avif,image/webp,*/*', 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Mobile', 'sec-ch-dpr': '2' };
const NO_QUERY = Object.create(null) as Record<string, string>;

describe('ChoiceMemo', () => {
  it('gives the same inputs the same choice, equal to negotiating afresh', () => {
    const memo = new ChoiceMemo(presets);
    const image = record();
    const first = memo.choose({ ...chrome }, NO_QUERY, '', undefined, image);
    expect(memo.choose({ ...chrome }, NO_QUERY, '', undefined, image)).toBe(first);
    expect(first.negotiated).toEqual(negotiate({ headers: chrome, query: {}, preset: undefined }, image, presets));
    expect(first.vary).toBe(first.negotiated.vary.join(', '));
    expect(first.etag).toBe(`"e87bac231e2c11b1-${first.name}.avif"`);
  });

  it('answers alternating inputs each with its own choice: the last-inputs shortcut never answers another request', () => {
    const memo = new ChoiceMemo(presets);
    const image = record();
    const safari = { accept: 'image/webp,*/*', 'user-agent': 'Mozilla/5.0 (Macintosh) Safari/605.1.15' };
    const a = memo.choose({ ...chrome }, NO_QUERY, '', undefined, image);
    const b = memo.choose({ ...safari }, NO_QUERY, '', undefined, image);
    expect(b.negotiated.spec.format).not.toBe(a.negotiated.spec.format);
    for (let i = 0; i < 3; i++) {
      expect(memo.choose({ ...chrome }, NO_QUERY, '', undefined, image)).toBe(a);
      expect(memo.choose({ ...chrome }, NO_QUERY, '', undefined, image)).toBe(a);
      expect(memo.choose({ ...safari }, NO_QUERY, '', undefined, image)).toBe(b);
    }
    // The query, the preset, a signature and the sizes' key are inputs as much as the headers.
    expect(memo.choose({ ...chrome }, NO_QUERY, '?w=320', undefined, image)).not.toBe(a);
    expect(memo.choose({ ...chrome }, NO_QUERY, '', 'thumb', image)).not.toBe(a);
    expect(memo.choose({ ...chrome }, NO_QUERY, '', undefined, image, true)).not.toBe(a);
    expect(memo.choose({ ...chrome }, NO_QUERY, '', undefined, image, false, { allowed: [], key: 'o1' })).not.toBe(a);
    expect(memo.choose({ ...chrome }, NO_QUERY, '', undefined, image)).toBe(a);
    expect(a.analytics).toBe(`${image.id}\u0000avif\u0000${a.negotiated.deviceClass}\u0000${a.name}`);
  });

  it('tells apart a missing header from an empty one (Sec-CH-DPR empty still hides DPR)', () => {
    const memo = new ChoiceMemo(presets);
    const image = record();
    const viaDpr = memo.choose({ 'user-agent': 'x', dpr: '3', 'viewport-width': '400' }, NO_QUERY, '', undefined, image);
    const emptyHint = memo.choose({ 'user-agent': 'x', dpr: '3', 'viewport-width': '400', 'sec-ch-dpr': '' }, NO_QUERY, '', undefined, image);
    expect(viaDpr.negotiated.spec.width).not.toBe(emptyHint.negotiated.spec.width);
    expect(emptyHint.negotiated).toEqual(negotiate({ headers: { 'user-agent': 'x', dpr: '3', 'viewport-width': '400', 'sec-ch-dpr': '' }, query: {}, preset: undefined }, image, presets));
  });

  it('keys on the query, the preset and the record object', () => {
    const memo = new ChoiceMemo(presets);
    const image = record();
    const plain = memo.choose(chrome, NO_QUERY, '', undefined, image);
    expect(memo.choose(chrome, { w: '300', fmt: 'webp' }, '?w=300&fmt=webp', undefined, image).negotiated.spec).toMatchObject({ width: 320, format: 'webp' });
    // Signed, or allow-listed by the owner: exact, remembered apart from the snapped answer.
    expect(memo.choose(chrome, { w: '300', fmt: 'webp' }, '?w=300&fmt=webp', undefined, image, true).negotiated.spec.width).toBe(300);
    expect(memo.choose(chrome, { w: '300', fmt: 'webp' }, '?w=300&fmt=webp', undefined, image, false, { allowed: [{ width: 300 }], key: '300' }).negotiated.spec.width).toBe(300);
    expect(memo.choose(chrome, { w: '300', fmt: 'webp' }, '?w=300&fmt=webp', undefined, image).location).toBe(`/i/${image.id}?w=320&fmt=webp`);
    expect(memo.choose(chrome, NO_QUERY, '', 'thumb', image).negotiated.spec.width).toBe(50);
    // A changed record is a new object: its visibility changes the ETag's form.
    expect(memo.choose(chrome, NO_QUERY, '', undefined, record({ visibility: 'private' })).etag).not.toBe(plain.etag);
  });

  it('does not remember inputs over a kilobyte, and does not remember errors', () => {
    const memo = new ChoiceMemo(presets);
    const image = record();
    const long = { ...chrome, 'user-agent': `Mozilla/5.0 ${'x'.repeat(2000)}` };
    expect(memo.choose(long, NO_QUERY, '', undefined, image)).not.toBe(memo.choose(long, NO_QUERY, '', undefined, image));
    expect(() => memo.choose(chrome, NO_QUERY, '', 'nope', image)).toThrow(/unknown preset/);
    expect(() => memo.choose(chrome, NO_QUERY, '', 'nope', image)).toThrow(/unknown preset/);
  });
});

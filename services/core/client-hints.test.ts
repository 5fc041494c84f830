import { describe, expect, it } from 'vitest';
import { ChoiceMemo } from '../origin/choice-memo.js';
import { ACCEPT_CH, NEGOTIATION_HEADERS, SIZE_HINT_VARY } from './client-hints.js';
import { parsePresets, DEFAULT_PRESETS, type Preset } from './eager-presets.js';
import { negotiate, type ImageRequest, type SourceImage } from './negotiate.js';
import type { ImageRecord } from '../images/image-record.js';

const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;
const source: SourceImage = { format: 'jpeg', width: 2560, height: 1600, hasAlpha: false, frames: 1 } as SourceImage;
const everyHeader = { accept: 'image/avif,image/webp,*/*', 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Mobile', 'sec-ch-width': '800', width: '700', 'sec-ch-viewport-width': '400', 'viewport-width': '390', 'sec-ch-dpr': '2', dpr: '3', 'save-data': 'on', ect: '4g', cookie: 'a=b', 'x-other': '1' };

/** Runs negotiate over headers that record every name it asks for. */
function headersRead(request: Omit<ImageRequest, 'headers'>, headers: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(headers, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  negotiate({ ...request, headers: recording }, source, presets);
  return read;
}

describe('the Client-Hint list', () => {
  it('is every header negotiation reads, whatever the request', () => {
    const requests: Omit<ImageRequest, 'headers'>[] = [
      { query: {}, preset: undefined },
      { query: { w: '300' }, preset: undefined },
      { query: { fmt: 'webp' }, preset: undefined },
      { query: {}, preset: 'thumb' },
    ];
    const read = new Set<string>();
    for (const request of requests) {
      for (const headers of [everyHeader, { 'user-agent': 'curl/8' }, {}] as Record<string, string>[]) for (const name of headersRead(request, headers)) read.add(name);
    }
    expect([...read].filter((name) => !(NEGOTIATION_HEADERS as readonly string[]).includes(name))).toEqual([]);
    // And the list holds nothing negotiation never reads.
    expect(NEGOTIATION_HEADERS.filter((name) => !read.has(name))).toEqual([]);
  });

  it('keys the choice memo: a change in any listed header is a new choice, not a stale one', () => {
    const memo = new ChoiceMemo(presets);
    const record = { id: '01M8TG3KY2H8S6Q646WX0N7S19', sha256: 'e87bac231e2c11b1'.padEnd(64, '0'), visibility: 'public', ...source, bytes: 1000 } as unknown as ImageRecord;
    const query = Object.create(null) as Record<string, string>;
    const base = memo.choose({ ...everyHeader }, query, '', undefined, record);
    for (const name of NEGOTIATION_HEADERS) {
      const changed = memo.choose({ ...everyHeader, [name]: `${everyHeader[name]}0` }, query, '', undefined, record);
      expect(changed, name).not.toBe(base);
      const missing: Record<string, string> = { ...everyHeader };
      delete missing[name];
      expect(memo.choose(missing, query, '', undefined, record), `${name} missing`).not.toBe(base);
    }
  });

  it('makes Vary and Accept-CH', () => {
    expect(SIZE_HINT_VARY).toEqual(['Sec-CH-Width', 'Width', 'Sec-CH-Viewport-Width', 'Viewport-Width', 'Sec-CH-DPR', 'DPR']);
    expect(ACCEPT_CH).toBe('Sec-CH-DPR, Sec-CH-Width, Sec-CH-Viewport-Width, DPR, Width, Viewport-Width, ECT');
    const vary = negotiate({ headers: everyHeader, query: {}, preset: undefined }, source, presets).vary;
    expect(SIZE_HINT_VARY.every((h) => vary.includes(h))).toBe(true);
  });
});

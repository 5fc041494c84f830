import { parseAccept, qualityFor } from './accept.js';
import { DEVICE_DEFAULTS, deviceClassOf, type DeviceClass } from './device-class.js';
import { SIZE_HINTS, SIZE_HINT_VARY, type NegotiationHeader } from './client-hints.js';
import { badRequest, AppError } from './errors.js';
import type { Preset } from './eager-presets.js';
import type { SupportedFormat } from './image-formats.js';
import { MAX_QUALITY, MIN_QUALITY, qualityOf, type ImageQualities } from './quality.js';
import { FITS, OUTPUT_MIME, type Fit, type OutputFormat, type VariantSpec } from './variant-spec.js';
import { MAX_OUTPUT_WIDTH, snapWidth } from './width-ladder.js';
import { SNAP_ALL, sizeAllowed, type SizePolicy } from './variant-sizes.js';

/** The request inputs negotiation may read (header names lower-case, as node gives them). */
export interface ImageRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Readonly<Record<string, unknown>>;
  /** A named preset from the URL path (`/i/<id>/thumb`). */
  preset?: string | undefined;
}

export interface SourceImage {
  width: number;
  height: number;
  format: SupportedFormat;
  hasAlpha: boolean;
  frames: number;
  /** Found by the resizer's quality search; absent until then, and for alpha and animations. */
  qualities?: ImageQualities | undefined;
}

export interface Negotiated {
  spec: VariantSpec;
  /** Request headers the choice depended on, for `Vary` (empty when the URL decides everything). */
  vary: string[];
  deviceClass: DeviceClass;
  /**
   * Whether storage keeps this variant: a ladder width (or the original's), no box, the tuned
   * quality; presets and what the origin chose itself. Anything else (a signed or allow-listed
   * exact size, a box, a signed `q`) is a one-off, kept in the memory cache only, so storage
   * holds at most rungs × formats on-demand variants per image whatever the URLs ask.
   */
  stored: boolean;
  /**
   * The query of the URL whose answer this is (`w=480&fmt=webp`), when an unsigned URL's
   * explicit size was snapped (its `q`, if any, ignored): sent as Content-Location.
   */
  canonical?: string;
}

export const MAX_DPR = 3;
export const FORMAT_PARAM: Readonly<Record<string, OutputFormat | 'auto'>> = {
  auto: 'auto', avif: 'avif', webp: 'webp', jpeg: 'jpeg', jpg: 'jpeg', png: 'png', gif: 'gif',
};
const KNOWN_PARAMS = new Set(['w', 'h', 'dpr', 'fit', 'fmt', 'q', 'anim']);

/**
 * Chooses the variant for one request: a pure function of the headers, the query and the
 * image's recorded dimensions. Explicit parameters win; otherwise format comes from `Accept`,
 * size from Client Hints or, without them, the User-Agent's device class, quality from the
 * tuned table lowered by `Save-Data` or a 2G `ECT` (unless the URL fixes format and size).
 * Chosen widths snap up to the ladder; explicit ones too, unless the URL is signed or the size
 * allow-listed (`policy`), when they are kept exactly (issue 21, item 6: otherwise anyone could
 * make us render and store every width). `q` counts only in a signed URL. None exceeds the
 * original. Throws 400 for malformed parameters and 406 when no acceptable format exists.
 */
export function negotiate(request: ImageRequest, source: SourceImage, presets: readonly Preset[], policy: SizePolicy = SNAP_ALL): Negotiated {
  const q = parseQuery(request.query);
  // An unsigned URL's quality is ignored: every q from 1 to 100 would be another file, and the
  // tuned quality (per image, by SSIM) is what the service would pick anyway.
  const explicitQuality = policy.signed ? q.q : undefined;
  const header = (name: NegotiationHeader) => first(request.headers[name]);
  const hint = (forms: readonly [NegotiationHeader, NegotiationHeader]) => header(forms[0]) ?? header(forms[1]);
  const vary = new Set<string>();
  const deviceClass = deviceClassOf(header('user-agent'));

  const animatedSource = source.frames > 1 && q.anim !== false;
  const format = q.fmt ?? negotiateFormat(header('accept'), source, animatedSource, vary);

  // A URL with the format and the size in it (what srcset emits) is one representation for
  // everyone, so a CDN can cache it without Vary: Save-Data/ECT must not change its quality.
  const fixedByUrl = q.fmt !== undefined && (request.preset !== undefined || q.w !== undefined || q.h !== undefined);
  const lowDataMode = () => {
    if (explicitQuality !== undefined || fixedByUrl) return false;
    vary.add('Save-Data').add('ECT');
    const ect = header('ect')?.toLowerCase();
    return header('save-data')?.toLowerCase() === 'on' || ect === '2g' || ect === 'slow-2g';
  };

  let width: number;
  let height: number | undefined;
  let fit: Fit | undefined;
  let snapped = false;
  if (request.preset !== undefined) {
    const preset = presets.find((p) => p.name === request.preset);
    if (!preset) {
      throw new AppError(400, 'unknown_preset', `unknown preset ${JSON.stringify(request.preset)}; expected one of ${presets.map((p) => p.name).join(', ')}`);
    }
    width = Math.min(preset.width, source.width);
  } else if (q.w !== undefined || q.h !== undefined) {
    const exact = policy.signed || sizeAllowed(policy.allowed, q.w, q.h);
    // An allow-listed size renders at whole DPRs only (1, 2, 3): a fraction would be one more file per value.
    const dpr = q.dpr === undefined ? 1 : exact && !policy.signed ? Math.ceil(q.dpr) : q.dpr;
    const aspect = source.width / source.height;
    const fromHeight = q.h !== undefined ? q.h * aspect : Infinity;
    // `inside` (the default) fits within both; a box fit fills the width and crops or pads the height.
    const cssWidth = q.w === undefined ? fromHeight : q.fit === undefined || q.fit === 'inside' ? Math.min(q.w, fromHeight) : q.w;
    // A signed or allow-listed size is honoured exactly (capped at the original, never
    // upscaled): whoever signed or listed it chose these pixels, and a 300×300 crop must come
    // back 300×300. Any other snaps up to the ladder like a chosen width; a box keeps its
    // proportions at the snapped width.
    width = exact ? exactWidth(cssWidth * dpr, source.width) : snapWidth(Math.min(cssWidth * dpr, MAX_OUTPUT_WIDTH), source.width);
    snapped = !exact;
    if (q.w !== undefined && q.h !== undefined && q.fit !== undefined && q.fit !== 'inside') {
      // A box: keep its proportions when the width is capped, and never upscale the height either.
      fit = q.fit;
      height = Math.max(1, Math.round((width * q.h) / q.w));
      if (height > source.height) {
        width = Math.max(1, Math.round((width * source.height) / height));
        height = source.height;
      }
    }
  } else {
    for (const h of SIZE_HINT_VARY) vary.add(h);
    const lowData = lowDataMode();
    const dprHint = positive(hint(SIZE_HINTS.dpr));
    const widthHint = positive(hint(SIZE_HINTS.width));
    const viewportHint = positive(hint(SIZE_HINTS.viewportWidth));
    let target: number;
    if (widthHint !== undefined) {
      // Width is already in device pixels; under Save-Data, serve it at 1x.
      target = lowData && dprHint ? widthHint / Math.min(dprHint, MAX_DPR) : widthHint;
    } else {
      const fallback = viewportHint === undefined ? DEVICE_DEFAULTS[deviceClass] : undefined;
      if (fallback) vary.add('User-Agent');
      const cssWidth = viewportHint ?? fallback!.cssWidth;
      const dpr = lowData ? 1 : Math.min(dprHint ?? fallback?.dpr ?? 1, MAX_DPR);
      target = cssWidth * dpr;
    }
    width = snapWidth(Math.min(target, MAX_OUTPUT_WIDTH), source.width);
  }

  const quality = explicitQuality ?? qualityOf(format, width, lowDataMode(), source.qualities);
  const box = height !== undefined && fit !== undefined ? { height, fit } : undefined;
  const spec: VariantSpec = {
    format,
    width,
    quality,
    animated: animatedSource && (format === 'webp' || format === 'gif'),
    ...box,
  };
  const stored = request.preset !== undefined || (box === undefined && explicitQuality === undefined && snapWidth(width, source.width) === width);
  const negotiated: Negotiated = { spec, vary: [...vary], deviceClass, stored };
  if (snapped) negotiated.canonical = canonicalQuery(width, box, q);
  return negotiated;
}

/** The parameters that ask for exactly this variant again, in a fixed order: one URL per answer. */
function canonicalQuery(width: number, box: { height: number; fit: Fit } | undefined, q: ParsedQuery): string {
  let query = `w=${width}`;
  if (box) query += `&h=${box.height}&fit=${box.fit}`;
  if (q.fmt !== undefined) query += `&fmt=${q.fmt}`;
  if (q.anim !== undefined) query += `&anim=${q.anim ? 1 : 0}`;
  return query;
}

function negotiateFormat(accept: string | undefined, source: SourceImage, animated: boolean, vary: Set<string>): OutputFormat {
  vary.add('Accept');
  const family: OutputFormat = animated ? 'gif' : source.hasAlpha ? 'png' : 'jpeg';
  // Preference when q-values tie: smallest first. Animated sources skip AVIF (sharp writes still AVIF only).
  // Formats the quality search found no smaller than JPEG for this image are not offered.
  const skip = source.qualities?.skip;
  const candidates: OutputFormat[] = animated ? ['webp', 'gif'] : (['avif', 'webp', family] as OutputFormat[]).filter((f) => !skip?.includes(f as 'webp'));
  if (!accept) return family;
  const ranges = parseAccept(accept);
  let best: { format: OutputFormat; q: number } | undefined;
  for (const format of candidates) {
    const explicitOnly = format === 'avif' || format === 'webp';
    const q = qualityFor(ranges, OUTPUT_MIME[format], explicitOnly);
    if (q > 0 && (!best || q > best.q)) best = { format, q };
  }
  if (best) return best.format;
  // The source family under another name the client does take (a GIF-only or PNG-only client).
  for (const format of ['jpeg', 'png', 'gif'] as const) {
    if (qualityFor(ranges, OUTPUT_MIME[format], false) > 0) return format;
  }
  // A client that takes only a format the search set aside still gets it, bigger or not.
  for (const format of skip ?? []) {
    if (!animated && qualityFor(ranges, OUTPUT_MIME[format], true) > 0) return format;
  }
  // Every type the loop above could have answered with: the candidates and the fallback families.
  const available = [...new Set([...candidates, 'jpeg', 'png', 'gif'] as OutputFormat[])].map((f) => OUTPUT_MIME[f]);
  throw new AppError(406, 'not_acceptable', `none of the image types this image can be served as is acceptable; available: ${available.join(', ')}`);
}

interface ParsedQuery {
  w?: number;
  h?: number;
  dpr?: number;
  fit?: Fit;
  fmt?: OutputFormat;
  q?: number;
  anim?: boolean;
}

/** Validates every parameter, naming it and its accepted range when it is wrong. */
function parseQuery(query: Readonly<Record<string, unknown>>): ParsedQuery {
  const out: ParsedQuery = {};
  // Own keys of any object, prototype-less or not, so `__proto__` and `constructor` are refused like any unknown name.
  for (const key of Reflect.ownKeys(query)) {
    if (typeof key !== 'string' || !KNOWN_PARAMS.has(key)) throw badRequest('unknown_parameter', `unknown query parameter ${JSON.stringify(String(key))}; expected w, h, dpr, fit, fmt, q or anim`);
  }
  const text = (name: string): string | undefined => {
    const value = Object.hasOwn(query, name) ? query[name] : undefined;
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw badRequest('invalid_parameter', `expected one value for ${name}`);
    return value;
  };
  const int = (name: string, min: number, max: number): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw badRequest('invalid_parameter', `expected an integer from ${min} to ${max} for ${name} but received ${JSON.stringify(value)}`);
    }
    return n;
  };
  const w = int('w', 1, MAX_OUTPUT_WIDTH);
  const h = int('h', 1, MAX_OUTPUT_WIDTH);
  const q = int('q', MIN_QUALITY, MAX_QUALITY);
  if (w !== undefined) out.w = w;
  if (h !== undefined) out.h = h;
  if (q !== undefined) out.q = q;
  const dpr = text('dpr');
  if (dpr !== undefined) {
    const n = Number(dpr);
    if (!/^\d+(\.\d+)?$/.test(dpr) || n < 1 || n > MAX_DPR) {
      throw badRequest('invalid_parameter', `expected a number from 1 to ${MAX_DPR} for dpr but received ${JSON.stringify(dpr)}`);
    }
    out.dpr = n;
  }
  const fit = text('fit');
  if (fit !== undefined) {
    if (!(FITS as readonly string[]).includes(fit)) throw badRequest('invalid_parameter', `expected one of ${FITS.join(', ')} for fit but received ${JSON.stringify(fit)}`);
    out.fit = fit as Fit;
  }
  const fmt = text('fmt');
  if (fmt !== undefined) {
    const name = fmt.toLowerCase();
    // hasOwn: `fmt=constructor` must not find Object.prototype.constructor.
    const format = Object.hasOwn(FORMAT_PARAM, name) ? FORMAT_PARAM[name] : undefined;
    if (!format) throw badRequest('invalid_parameter', `expected one of ${Object.keys(FORMAT_PARAM).join(', ')} for fmt but received ${JSON.stringify(fmt)}`);
    if (format !== 'auto') out.fmt = format;
  }
  const anim = text('anim');
  if (anim !== undefined) {
    if (anim !== '0' && anim !== '1') throw badRequest('invalid_parameter', `expected 0 or 1 for anim but received ${JSON.stringify(anim)}`);
    out.anim = anim === '1';
  }
  return out;
}

function exactWidth(wanted: number, originalWidth: number): number {
  return Math.max(1, Math.min(Math.round(wanted), originalWidth, MAX_OUTPUT_WIDTH));
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function positive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

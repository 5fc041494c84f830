import { badRequest } from './errors.js';
import { OUTPUT_MIME, type OutputFormat } from './variant-spec.js';
import { snapWidth, WIDTH_LADDER } from './width-ladder.js';

export interface SrcsetSource {
  type: string;
  srcset: string;
}

export interface SrcsetMarkup {
  sizes: string;
  widths: number[];
  sources: SrcsetSource[];
  img: { src: string; srcset: string; width: number; height: number };
  html: string;
}

export interface SrcsetImage {
  id: string;
  width: number;
  height: number;
  hasAlpha: boolean;
  animated: boolean;
}

const DEFAULT_WIDTHS = [320, 480, 640, 960, 1280, 1920, 2560];
const FORMAT_NAMES: Readonly<Record<string, OutputFormat>> = { avif: 'avif', webp: 'webp', jpeg: 'jpeg', jpg: 'jpeg', png: 'png', gif: 'gif' };

/**
 * `<picture>` markup with explicit URLs (format and width in the query), for pages behind a
 * CDN that does not vary on Accept or Client Hints: the browser picks the format from the
 * `<source>` types and the width from `srcset`/`sizes`, and every URL is cacheable as it is.
 */
export function buildSrcset(
  image: SrcsetImage,
  baseUrl: string,
  query: { sizes?: string | undefined; widths?: string | undefined; formats?: string | undefined; alt?: string | undefined },
  /** Turns a path and its parameters into the URL to emit (private images sign it). */
  toUrl: (path: string, params: [string, string][]) => string = (path, params) => `${baseUrl}${path}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`,
): SrcsetMarkup {
  const sizes = query.sizes?.trim() || '100vw';
  if (sizes.length > 500 || /[<>"]/.test(sizes)) throw badRequest('invalid_parameter', 'expected a sizes attribute value (no <, > or ") of at most 500 characters for sizes');
  const family: OutputFormat = image.animated ? 'gif' : image.hasAlpha ? 'png' : 'jpeg';
  const formats: OutputFormat[] = query.formats ? parseFormats(query.formats) : image.animated ? ['webp', family] : ['avif', 'webp', family];
  const requested = query.widths ? parseWidths(query.widths) : DEFAULT_WIDTHS;
  // Snapped like the origin snaps, capped at the original, each width once.
  const widths = [...new Set(requested.map((w) => snapWidth(w, image.width)))].sort((a, b) => a - b);
  const url = (format: OutputFormat, width: number) => toUrl(`/i/${image.id}`, [['w', String(width)], ['fmt', format]]);
  const srcsetOf = (format: OutputFormat) => widths.map((w) => `${url(format, w)} ${w}w`).join(', ');

  const fallback = formats[formats.length - 1]!;
  const fallbackWidth = widths.find((w) => w >= 1280) ?? widths[widths.length - 1]!;
  const sources = formats.slice(0, -1).map((f) => ({ type: OUTPUT_MIME[f], srcset: srcsetOf(f) }));
  const img = { src: url(fallback, fallbackWidth), srcset: srcsetOf(fallback), width: image.width, height: image.height };
  const alt = escapeHtml(query.alt ?? '');
  const html = [
    '<picture>',
    ...sources.map((s) => `  <source type="${s.type}" srcset="${escapeHtml(s.srcset)}" sizes="${escapeHtml(sizes)}">`),
    `  <img src="${escapeHtml(img.src)}" srcset="${escapeHtml(img.srcset)}" sizes="${escapeHtml(sizes)}" width="${img.width}" height="${img.height}" alt="${alt}" loading="lazy" decoding="async">`,
    '</picture>',
  ].join('\n');
  return { sizes, widths, sources, img, html };
}

function parseWidths(text: string): number[] {
  const widths = text.split(',').map((w) => w.trim());
  if (widths.length > WIDTH_LADDER.length || widths.some((w) => !/^\d{1,4}$/.test(w) || Number(w) < 1 || Number(w) > 8192)) {
    throw badRequest('invalid_parameter', `expected up to ${WIDTH_LADDER.length} comma-separated widths from 1 to 8192 for widths but received ${JSON.stringify(text)}`);
  }
  return widths.map(Number);
}

function parseFormats(text: string): OutputFormat[] {
  const names = text.split(',').map((f) => f.trim().toLowerCase());
  const formats = names.map((n) => (Object.hasOwn(FORMAT_NAMES, n) ? FORMAT_NAMES[n] : undefined));
  if (formats.some((f) => f === undefined) || formats.length === 0) {
    throw badRequest('invalid_parameter', `expected comma-separated formats among avif, webp, jpeg, png, gif for formats but received ${JSON.stringify(text)}`);
  }
  return [...new Set(formats as OutputFormat[])];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

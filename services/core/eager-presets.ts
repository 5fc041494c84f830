import { DEFAULT_QUALITY } from './quality.js';
import type { OutputFormat, VariantSpec } from './variant-spec.js';

/** `source` stands for the source's own family: PNG when it has alpha, else JPEG. */
export type PresetFormat = OutputFormat | 'source';

export interface Preset {
  name: string;
  width: number;
  /** Formats made eagerly at upload; none for a named size the origin makes on first request. */
  formats: PresetFormat[];
}

/**
 * The eager set (see docs/resizer.md, "Eager variants"): what a page needs at once, the 50 px grid
 * thumbnail in every format the origin may pick, made with the placeholder from one small
 * intermediate (measured: about 30 ms of CPU for a 4 MP JPEG, all of it). Display sizes are made
 * on the first request by the origin's single-flight transform and stored: eager 320/640/1280 px
 * WebP cost ten times that for sizes most images never get asked for; they stay named presets
 * (`/i/<id>/w640`), written without formats. Eager variants use the origin's default quality,
 * so their keys are the ones it looks for.
 */
export const DEFAULT_PRESETS = 'thumb=50:avif+webp+source,w320=320,w640=640,w1280=1280';

const NAME_RE = /^[a-z][a-z0-9_-]{0,31}$/;
const FORMATS: readonly PresetFormat[] = ['avif', 'webp', 'jpeg', 'png', 'source'];

/** Parses `name=width:fmt+fmt,…` (`name=width` alone: on demand only); returns the presets or the problems, each naming the entry. */
export function parsePresets(text: string): { presets: Preset[] } | { problems: string[] } {
  const problems: string[] = [];
  const presets: Preset[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([^=]+)=(\d+)(?::(.+))?$/.exec(entry);
    if (!match) {
      problems.push(`expected name=width:format+format or name=width for a preset but received ${JSON.stringify(entry)}`);
      continue;
    }
    const [, name = '', widthText = '', formatText = ''] = match;
    const width = Number(widthText);
    const formats = (formatText === '' ? [] : formatText.split('+')) as PresetFormat[];
    if (!NAME_RE.test(name)) problems.push(`expected a lowercase preset name for ${JSON.stringify(entry)}`);
    if (!Number.isInteger(width) || width < 1 || width > 8192) problems.push(`expected a width from 1 to 8192 in ${JSON.stringify(entry)}`);
    const bad = formats.filter((f) => !FORMATS.includes(f));
    if (bad.length > 0) problems.push(`expected formats among ${FORMATS.join(', ')} in ${JSON.stringify(entry)} but received ${bad.join(', ')}`);
    if (presets.some((p) => p.name === name)) problems.push(`preset ${name} is defined twice`);
    presets.push({ name, width, formats: [...new Set(formats)] });
  }
  if (presets.length === 0 && problems.length === 0) problems.push('expected at least one preset');
  return problems.length > 0 ? { problems } : { presets };
}

export interface PlannedVariant {
  preset: string;
  spec: VariantSpec;
}

/**
 * The variants one image gets: each preset's width capped at the image's width (never
 * upscaled), in each of its formats; where the cap makes two presets the same, one variant
 * serves both, so a 40 px icon is encoded once per format, not once per preset.
 */
export function planVariants(source: { width: number; hasAlpha: boolean }, presets: Preset[]): PlannedVariant[] {
  const planned: PlannedVariant[] = [];
  const seen = new Set<string>();
  for (const preset of presets) {
    const width = Math.min(preset.width, source.width);
    for (const wanted of preset.formats) {
      const format: OutputFormat = wanted === 'source' ? (source.hasAlpha ? 'png' : 'jpeg') : wanted;
      const key = `${format}:${width}`;
      if (seen.has(key)) continue;
      seen.add(key);
      planned.push({ preset: preset.name, spec: { format, width, quality: DEFAULT_QUALITY[format], animated: false } });
    }
  }
  return planned;
}

import type { Image } from './api.js';

/** Grid cells are 50 CSS px: the eager `thumb` preset at 1x, ladder widths for denser screens. */
export const GRID_SIZES = '50px';

/**
 * The grid thumbnail's `src`/`srcset` (see README, "Upload an image and show it"): `sizes` says the cell is
 * 50 px wide, so a 1x screen takes the 50 px `thumb` the resizer made at upload (the origin's
 * hot path) and a 2.625x phone the 160 px rung, never more. Private images carry signed URLs;
 * only the presets are signed, so they get the thumb alone.
 */
export function thumbSources(image: Image): { src: string; srcset?: string } {
  if (image.visibility === 'private') return { src: image.signedUrls?.thumb ?? `/i/${image.id}/thumb` };
  const base = `/i/${image.id}`;
  return { src: `${base}/thumb`, srcset: `${base}/thumb 50w, ${base}?w=96 96w, ${base}?w=160 160w` };
}

/** The photo page's display image: the width presets, chosen by the browser from `sizes`. */
export function displaySources(image: Image): { src: string; srcset: string } {
  const widths = [
    ['w320', 320],
    ['w640', 640],
    ['w1280', 1280],
  ] as const;
  const url = (preset: string) => (image.visibility === 'private' ? (image.signedUrls?.[preset] ?? '') : `/i/${image.id}/${preset}`);
  const usable = widths.filter(([, w]) => w <= image.width);
  const set = (usable.length ? usable : [widths[0]]).map(([p, w]) => `${url(p)} ${Math.min(w, image.width)}w`).join(', ');
  return { src: url(usable.length ? usable[usable.length - 1]![0] : 'w320'), srcset: set };
}

export const DISPLAY_SIZES = '(max-width: 960px) 100vw, 900px';

export function titleOf(image: Image): string {
  return image.title || image.originalFilename || 'Untitled photo';
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

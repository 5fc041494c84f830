/**
 * SSIM (Wang et al. 2004) on luma, over 8×8 windows every 4 pixels, with the window sums read
 * from integral images: a 640×427 pair takes a few milliseconds, cheap enough to run inside the
 * resizer's quality search. The box window and the stride follow libvips' and SSIMULACRA's
 * fast variants rather than the 11×11 Gaussian of the paper; scores are therefore comparable
 * only with each other, which is all the quality search needs (one target, every format).
 */
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const WINDOW = 8;
const STRIDE = 4;

/** BT.601 luma of packed RGB (3 bytes a pixel), the plane SSIM is computed on. */
export function lumaOf(rgb: Uint8Array, channels: number): Float64Array {
  const n = Math.floor(rgb.length / channels);
  const out = new Float64Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) out[i] = 0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!;
  return out;
}

/** Mean SSIM of two luma planes of the same size. */
export function ssim(a: Float64Array, b: Float64Array, width: number, height: number): number {
  if (a.length !== width * height || b.length !== width * height) {
    throw new RangeError(`expected two planes of ${width}×${height} but received ${a.length} and ${b.length} values`);
  }
  if (width < WINDOW || height < WINDOW) return meanSsim(a, b, 0, 0, width, height);
  const W = width + 1;
  const sa = new Float64Array(W * (height + 1));
  const sb = new Float64Array(W * (height + 1));
  const saa = new Float64Array(W * (height + 1));
  const sbb = new Float64Array(W * (height + 1));
  const sab = new Float64Array(W * (height + 1));
  for (let y = 0; y < height; y++) {
    let ra = 0, rb = 0, raa = 0, rbb = 0, rab = 0;
    const row = y * width;
    const up = y * W;
    const here = (y + 1) * W;
    for (let x = 0; x < width; x++) {
      const va = a[row + x]!;
      const vb = b[row + x]!;
      ra += va; rb += vb; raa += va * va; rbb += vb * vb; rab += va * vb;
      const i = here + x + 1;
      const j = up + x + 1;
      sa[i] = sa[j]! + ra; sb[i] = sb[j]! + rb; saa[i] = saa[j]! + raa; sbb[i] = sbb[j]! + rbb; sab[i] = sab[j]! + rab;
    }
  }
  const box = (s: Float64Array, x: number, y: number) => s[(y + WINDOW) * W + x + WINDOW]! - s[y * W + x + WINDOW]! - s[(y + WINDOW) * W + x]! + s[y * W + x]!;
  const n = WINDOW * WINDOW;
  let total = 0;
  let count = 0;
  for (let y = 0; y + WINDOW <= height; y += STRIDE) {
    for (let x = 0; x + WINDOW <= width; x += STRIDE) {
      const ma = box(sa, x, y) / n;
      const mb = box(sb, x, y) / n;
      const va = box(saa, x, y) / n - ma * ma;
      const vb = box(sbb, x, y) / n - mb * mb;
      const cov = box(sab, x, y) / n - ma * mb;
      total += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      count++;
    }
  }
  return total / count;
}

/** One window over a whole plane smaller than a window (a tiny image). */
function meanSsim(a: Float64Array, b: Float64Array, x0: number, y0: number, w: number, h: number): number {
  let ma = 0, mb = 0;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) { ma += a[y * w + x]!; mb += b[y * w + x]!; }
  const n = w * h;
  ma /= n; mb /= n;
  let va = 0, vb = 0, cov = 0;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) {
    const da = a[y * w + x]! - ma, db = b[y * w + x]! - mb;
    va += da * da; vb += db * db; cov += da * db;
  }
  va /= n; vb /= n; cov /= n;
  return ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
}

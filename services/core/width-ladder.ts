/**
 * Output widths the origin serves when it chooses the size itself. Snapping to this ladder keeps
 * the variants per image few (CDN- and storage-friendly, 22 widths at most) while never sending
 * more than ~25% extra pixels in width. 320, 640 and 1280 are also eager sizes.
 *
 * 828 and 1170 are where the commonest phones land (iPhone XR/11 at 414 px × 2; iPhone 12–16 at
 * 390–393 px × 3 = 1170–1179): without them those phones got 960 and 1280, 16% and 9% wider than
 * they draw. The device table in width-ladder.test.ts shows what every listed device gets.
 */
export const WIDTH_LADDER = [16, 32, 48, 64, 96, 128, 160, 240, 320, 480, 640, 800, 828, 960, 1080, 1170, 1280, 1600, 1920, 2560, 3200, 3840] as const;

export const MAX_OUTPUT_WIDTH = 8192;

/**
 * A rung this close below the wanted width is close enough: a 412 px phone at DPR 2.625 asks
 * for 1082 px, and 1080 (0.2% short, one device pixel in 540 stretched) looks the same while
 * the next rung, 1280, costs 37–39% more bytes. 1% covers the rounding of fractional DPRs
 * (1082, 1179, 1284, 1290) and no more.
 */
export const RUNG_TOLERANCE = 0.01;

/** The smallest ladder width ≥ `wanted` (or within RUNG_TOLERANCE below it), never wider than the original. */
export function snapWidth(wanted: number, originalWidth: number): number {
  const target = Math.max(1, Math.ceil(wanted));
  const rung = WIDTH_LADDER.find((w) => w * (1 + RUNG_TOLERANCE) >= target) ?? WIDTH_LADDER[WIDTH_LADDER.length - 1]!;
  return Math.min(rung, originalWidth);
}

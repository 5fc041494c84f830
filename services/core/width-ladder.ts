/**
 * Output widths the origin serves when it chooses the size itself. Snapping up to this ladder
 * keeps the variants per image few (CDN- and storage-friendly) while never sending more than
 * ~25% extra pixels in width. 320, 640 and 1280 are also eager sizes.
 */
export const WIDTH_LADDER = [16, 32, 48, 64, 96, 128, 160, 240, 320, 480, 640, 800, 960, 1080, 1280, 1600, 1920, 2560, 3200, 3840] as const;

export const MAX_OUTPUT_WIDTH = 8192;

/** The smallest ladder width ≥ `wanted`, never wider than the original. */
export function snapWidth(wanted: number, originalWidth: number): number {
  const target = Math.max(1, Math.ceil(wanted));
  const rung = WIDTH_LADDER.find((w) => w >= target) ?? WIDTH_LADDER[WIDTH_LADDER.length - 1]!;
  return Math.min(rung, originalWidth);
}

/** UTC hour and day bucket ids: `2026112207` and `20261122`, which sort as they read. */
export function hourId(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '');
}

export function dayId(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Every hour bucket start from `from` to `to`, inclusive of the hours they fall in. */
export function hoursBetween(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / HOUR_MS) * HOUR_MS; t <= to; t += HOUR_MS) out.push(t);
  return out;
}

export function daysBetween(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / DAY_MS) * DAY_MS; t <= to; t += DAY_MS) out.push(t);
  return out;
}

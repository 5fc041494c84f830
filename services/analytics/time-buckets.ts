export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * The ids of the hour last asked about: the analytics flush names the buckets of every event,
 * and nearly all of them fall in the current hour, so formatting a date (two toISOString calls
 * per event) becomes a division and a comparison.
 */
let cachedHour = Number.NaN;
let cachedHourId = '';
let cachedDayId = '';

function bucketsOf(ms: number): void {
  const hour = Math.floor(ms / HOUR_MS);
  if (hour === cachedHour) return;
  const iso = new Date(hour * HOUR_MS).toISOString();
  cachedHourId = iso.slice(0, 13).replace(/[-T]/g, '');
  cachedDayId = iso.slice(0, 10).replace(/-/g, '');
  cachedHour = hour;
}

/** UTC hour and day bucket ids: `2026112207` and `20261122`, which sort as they read. */
export function hourId(ms: number): string {
  bucketsOf(ms);
  return cachedHourId;
}

export function dayId(ms: number): string {
  bucketsOf(ms);
  return cachedDayId;
}

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

/** A rate limit as configured: `N/window` (for example `600/1m`, `20/10s`), or `off`. */
export interface RateSpec {
  points: number;
  seconds: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

export function parseRateSpec(text: string): RateSpec | 'off' | undefined {
  if (text === 'off') return 'off';
  const m = /^([0-9]{1,9})\/([0-9]{0,6})(s|m|h)$/.exec(text);
  if (!m) return undefined;
  const points = Number(m[1]);
  const seconds = Number(m[2] || '1') * UNIT_SECONDS[m[3]!]!;
  return points >= 1 && seconds >= 1 ? { points, seconds } : undefined;
}

/** The retry schedule: exponential from `baseMs`, capped at `maxMs`, full jitter, for `windowMs` in all. */
export interface RetrySchedule {
  baseMs: number;
  maxMs: number;
  windowMs: number;
}

export type AttemptOutcome = { kind: 'status'; status: number } | { kind: 'error'; error: string };

export type NextStep =
  | { status: 'delivered' }
  /** 410 Gone: the receiver asks us to stop; the endpoint is disabled. */
  | { status: 'gone' }
  | { status: 'failed'; nextAt: number }
  | { status: 'dead' };

/**
 * What follows an attempt. `attempts` counts this one; `windowStart` is when the delivery was
 * scheduled (or retried by hand). The last retry is pulled in to the window's end, so a
 * receiver that comes back within the window always gets one more try.
 */
export function nextStep(outcome: AttemptOutcome, attempts: number, windowStart: number, now: number, s: RetrySchedule, random: () => number = Math.random): NextStep {
  if (outcome.kind === 'status' && outcome.status >= 200 && outcome.status < 300) return { status: 'delivered' };
  if (outcome.kind === 'status' && outcome.status === 410) return { status: 'gone' };
  const deadline = windowStart + s.windowMs;
  if (now >= deadline) return { status: 'dead' };
  const ceiling = Math.min(s.maxMs, s.baseMs * 2 ** Math.min(attempts - 1, 40));
  return { status: 'failed', nextAt: Math.min(deadline, now + Math.floor(random() * ceiling)) };
}

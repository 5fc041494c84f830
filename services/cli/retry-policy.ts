/**
 * When to try a request again: only for answers that say "later" (429, 503) and for network
 * errors, at most `maxAttempts` times. The server's Retry-After wins over our own backoff,
 * capped so a hostile or confused server cannot park the CLI for an hour. Pure.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

export type Attempt = { status: number; retryAfter: string | null } | { networkError: true };

/** Milliseconds to wait before attempt number `attempt + 1`, or undefined to give up. */
/** `jitter` in [0, 1) spreads clients that were refused together (0.75× to 1.25× the backoff). */
export function retryDelay(outcome: Attempt, attempt: number, policy: RetryPolicy = DEFAULT_RETRY, now = Date.now(), jitter = 0.5): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (!('networkError' in outcome) && outcome.status !== 429 && outcome.status !== 503) return undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.75 + 0.5 * jitter);
  const told = 'networkError' in outcome ? undefined : parseRetryAfter(outcome.retryAfter, now);
  return Math.round(Math.min(policy.maxDelayMs, told ?? backoff));
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

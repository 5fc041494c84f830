import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay, type Attempt, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };
const now = Date.parse('2026-12-02T00:00:00Z');

describe('retryDelay', () => {
  const cases: [string, Attempt, number, number | undefined][] = [
    ['429 without Retry-After: backoff', { status: 429, retryAfter: null }, 1, 500],
    ['503, second attempt: doubled', { status: 503, retryAfter: null }, 2, 1000],
    ['503 with Retry-After seconds', { status: 503, retryAfter: '3' }, 1, 3000],
    ['429 with an HTTP date', { status: 429, retryAfter: new Date(now + 2000).toUTCString() }, 1, 2000],
    ['Retry-After past the cap is capped', { status: 429, retryAfter: '3600' }, 1, 10_000],
    ['unreadable Retry-After falls back to backoff', { status: 429, retryAfter: 'soon' }, 3, 2000],
    ['network error: backoff', { networkError: true }, 1, 500],
    ['last attempt: give up', { status: 503, retryAfter: '1' }, 4, undefined],
    ['415 is final', { status: 415, retryAfter: null }, 1, undefined],
    ['500 is final', { status: 500, retryAfter: '1' }, 1, undefined],
    ['201 is not retried', { status: 201, retryAfter: null }, 1, undefined],
  ];
  it.each(cases)('%s', (_name, outcome, attempt, expected) => {
    expect(retryDelay(outcome, attempt, policy, now, 0.5)).toBe(expected);
  });

  it('jitter spreads the backoff between 0.75x and 1.25x', () => {
    expect(retryDelay({ status: 429, retryAfter: null }, 1, policy, now, 0)).toBe(375);
    expect(retryDelay({ status: 429, retryAfter: null }, 1, policy, now, 0.999)).toBe(625);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['0', 0],
    ['12', 12_000],
    [new Date(now - 5000).toUTCString(), 0],
  ] as const)('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

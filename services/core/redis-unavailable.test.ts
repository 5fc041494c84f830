import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { isRedisUnavailable, redisUnavailableError } from './redis-unavailable.js';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('isRedisUnavailable', () => {
  it.each([
    [named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).'), true],
    [named('ClusterAllFailedError', 'Failed to refresh slots cache.'), true],
    [new Error('Connection is closed.'), true],
    [new Error("Cluster isn't ready and enableOfflineQueue options is false"), true],
    [new Error('None of startup nodes is available'), true],
    [new Error('Too many Cluster redirections. Last error: Error: Connection is closed.'), true],
    [new Error('Command timed out'), true],
    [named('ReplyError', 'CLUSTERDOWN The cluster is down'), true],
    [named('ReplyError', 'TRYAGAIN Multiple keys request during rehashing of slot'), true],
    [named('ReplyError', 'LOADING Redis is loading the dataset in memory'), true],
    [named('ReplyError', "READONLY You can't write against a read only replica."), true],
    [named('ReplyError', 'CROSSSLOT Keys in request don\'t hash to the same slot'), false],
    [named('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'), false],
    [new TypeError('x is undefined'), false],
    ['Connection is closed.', false],
  ])('%s → %s', (err, expected) => {
    expect(isRedisUnavailable(err)).toBe(expected);
  });

  it('turns one into a 503 with Retry-After, and leaves AppErrors and bugs alone', () => {
    const e = redisUnavailableError(named('ReplyError', 'CLUSTERDOWN The cluster is down'))!;
    expect(e).toMatchObject({ status: 503, code: 'redis_unavailable', retryAfterSeconds: 1 });
    expect(redisUnavailableError(new AppError(404, 'not_found', 'x'))).toBeUndefined();
    expect(redisUnavailableError(new TypeError('x'))).toBeUndefined();
  });
});

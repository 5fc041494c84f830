import { describe, expect, it } from 'vitest';
import { formatNodes, formatRedisUrl, parseRedisUrl, redactRedisUrl, type RedisTarget } from './redis-url.js';

const GOOD: [string, RedisTarget][] = [
  ['redis://cache:6379/2', { mode: 'standalone', url: 'redis://cache:6379/2' }],
  ['rediss://:pw@cache:6380', { mode: 'standalone', url: 'rediss://:pw@cache:6380' }],
  ['unix:///run/redis.sock', { mode: 'standalone', url: 'unix:///run/redis.sock' }],
  ['redis+cluster://10.0.0.1:7000', { mode: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }], tls: false }],
  [
    'redis+cluster://a:7000,b:7001, c:7002/',
    { mode: 'cluster', nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }, { host: 'c', port: 7002 }], tls: false },
  ],
  ['redis+cluster://a,b', { mode: 'cluster', nodes: [{ host: 'a', port: 6379 }, { host: 'b', port: 6379 }], tls: false }],
  ['redis+cluster://a:7000,a:7000', { mode: 'cluster', nodes: [{ host: 'a', port: 7000 }], tls: false }],
  [
    'rediss+cluster://app:p%40ss%3Aword@[::1]:7000,node-2.example.com:7001',
    { mode: 'cluster', nodes: [{ host: '::1', port: 7000 }, { host: 'node-2.example.com', port: 7001 }], tls: true, username: 'app', password: 'p@ss:word' },
  ],
  ['redis+cluster://:secret@a:7000', { mode: 'cluster', nodes: [{ host: 'a', port: 7000 }], tls: false, password: 'secret' }],
  ['redis+cluster://secret@a:7000', { mode: 'cluster', nodes: [{ host: 'a', port: 7000 }], tls: false, password: 'secret' }],
  [
    'redis+sentinel://s1:26379,s2:26380/mymaster',
    { mode: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], masterName: 'mymaster', db: 0, tls: false },
  ],
  ['redis+sentinel://s1/main/3', { mode: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], masterName: 'main', db: 3, tls: false }],
  [
    'rediss+sentinel://:data%20pw@s1:26379,s2:26379/my%2Fmaster?sentinelPassword=sent%26pw&sentinelUsername=watcher',
    {
      mode: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }],
      masterName: 'my/master',
      db: 0,
      tls: true,
      password: 'data pw',
      sentinelPassword: 'sent&pw',
      sentinelUsername: 'watcher',
    },
  ],
];

const BAD: [string, RegExp[]][] = [
  ['localhost:6379', [/expected a redis:\/\/.*but received no scheme/]],
  ['cache', [/but received no scheme/]],
  ['http://cache:6379', [/but received http:\/\//]],
  ['redis://a:6379,b:6379', [/one host in a redis:\/\/ URL but received 2; use redis\+cluster/]],
  ['redis+cluster://a:7000,redis+cluster://b:7000', [/mixed with redis\+cluster:\/\//]],
  ['redis+cluster://a:7000,redis://b:7000', [/redis\+cluster:\/\/ mixed with redis:\/\//]],
  ['redis+cluster://', [/at least one host:port node but received none/]],
  ['redis+cluster://pw@', [/at least one host:port node/]],
  ['redis+cluster://a:0,b:70000,c:port,d:', [/port from 1 to 65535 for node "a" but received "0"/, /"b" but received "70000"/, /"c" but received "port"/, /"d" but received ""/]],
  ['redis+cluster://a:7000,,b:7001', [/a node as host:port but received ""/]],
  ['redis+cluster://a b:7000', [/a node as host:port but received "a b:7000"/]],
  ['redis+cluster://a:7000/0', [/no path after a cluster's nodes/]],
  ['redis+cluster://a:7000?tls=1', [/no query parameters in a cluster URL but received "tls"/]],
  ['redis+sentinel://s1:26379', [/the master name after the sentinels .* but received none/]],
  ['redis+sentinel://s1:26379/', [/the master name/]],
  ['redis+sentinel:///mymaster', [/at least one host:port node/]],
  ['redis+sentinel://s1:26379/m/x', [/a database number \(0-99\) after the master name but received "x"/]],
  ['redis+sentinel://s1:26379/m/0/extra', [/\/<master name>\[\/<database>\]/]],
  ['redis+sentinel://s1:26379/m?password=x', [/only sentinelPassword and sentinelUsername .* "password"/]],
  ['redis+sentinel://u:%zz@s1/m', [/the password to be percent-encoded/]],
  // Every problem of one URL at once.
  ['redis+sentinel://s1:99999', [/port from 1 to 65535/, /the master name/]],
];

describe('parseRedisUrl', () => {
  it.each(GOOD)('reads %s', (url, target) => {
    expect(parseRedisUrl(url)).toEqual({ target });
  });

  it.each(BAD)('refuses %s with every problem named', (url, patterns) => {
    const result = parseRedisUrl(url);
    expect('problems' in result, JSON.stringify(result)).toBe(true);
    const problems = (result as { problems: string[] }).problems;
    expect(problems).toHaveLength(patterns.length);
    patterns.forEach((re, i) => expect(problems[i]).toMatch(re));
  });
});

describe('redactRedisUrl', () => {
  it.each([
    ['redis://:pw@cache:6379', 'redis://:***@cache:6379'],
    ['redis://app:pw@cache:6379/0', 'redis://app:***@cache:6379/0'],
    ['redis+cluster://secret@a:1,b:2', 'redis+cluster://***@a:1,b:2'],
    ['rediss+sentinel://u:p@s:1/m?sentinelPassword=x&sentinelUsername=w', 'rediss+sentinel://u:***@s:1/m?sentinelPassword=***&sentinelUsername=w'],
    ['redis://cache:6379', 'redis://cache:6379'],
  ])('%s → %s', (url, redacted) => {
    expect(redactRedisUrl(url)).toBe(redacted);
  });
});

it('formats node lists with IPv6 hosts in brackets', () => {
  expect(formatNodes([{ host: '::1', port: 7000 }, { host: 'a', port: 1 }])).toBe('[::1]:7000, a:1');
});

describe('formatRedisUrl', () => {
  it.each(GOOD.filter(([, t]) => t.mode !== 'standalone'))('writes %s back to a URL that parses to the same target', (_url, target) => {
    if (target.mode === 'standalone') throw new Error('unreachable');
    expect(parseRedisUrl(formatRedisUrl(target))).toEqual({ target });
  });

  it('writes a username alone as user:@, so it is not read as a password', () => {
    const url = formatRedisUrl({ mode: 'cluster', nodes: [{ host: 'a', port: 1 }], tls: false, username: 'app' });
    expect(url).toBe('redis+cluster://app:@a:1');
    expect(parseRedisUrl(url)).toEqual({ target: { mode: 'cluster', nodes: [{ host: 'a', port: 1 }], tls: false, username: 'app' } });
  });
});

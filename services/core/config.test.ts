import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults with no environment at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      role: 'all',
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      maxUploadBytes: 50 * 1024 * 1024,
      maxPixels: 100_000_000,
      maxFrames: 1000,
      maxAnimationPixels: 50_000_000,
      transformMemoryBudget: 1024 * 1024 * 1024,
      transformFailureTtlSeconds: 300,
    });
    expect(config.redisUrl).toBeUndefined();
    expect(config.publicBaseUrl).toBeUndefined();
    expect(config).toMatchObject({ uploadIdleTimeoutMs: 30_000, maxConcurrentUploads: 64, transformTimeoutSeconds: 30, corsOrigins: [] });
  });

  it('reads IMGSVC_VARIANT_SIZES as widths, boxes and heights, naming each bad entry', () => {
    expect(loadConfig({}).variantSizes).toEqual([]);
    expect(loadConfig({ IMGSVC_VARIANT_SIZES: '300, 640x480,x200,300' }).variantSizes).toEqual([{ width: 300 }, { width: 640, height: 480 }, { height: 200 }]);
    expect(() => loadConfig({ IMGSVC_VARIANT_SIZES: '300,wide,0x5' })).toThrow(/IMGSVC_VARIANT_SIZES: .*"wide".*"0x5"/s);
  });

  it('reads CORS origins as *, or a list of exact origins, and refuses what a browser would never match', () => {
    expect(loadConfig({ IMGSVC_CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ IMGSVC_CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:3000']);
    const err = (() => {
      try {
        loadConfig({ IMGSVC_CORS_ORIGINS: 'https://app.example.com/, *, app.example.com', IMGSVC_MAX_CONCURRENT_UPLOADS: '0', IMGSVC_UPLOAD_IDLE_TIMEOUT_MS: 'soon' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.problems).toHaveLength(3);
    expect(err.problems[0]).toContain('IMGSVC_UPLOAD_IDLE_TIMEOUT_MS');
    expect(err.problems[1]).toContain('IMGSVC_MAX_CONCURRENT_UPLOADS');
    expect(err.problems[2]).toMatch(/IMGSVC_CORS_ORIGINS: .*"https:\/\/app.example.com\/".*not \* inside a list.*"app.example.com"/);
  });

  it('reads the environment, and flags win over it', () => {
    const config = loadConfig(
      {
        IMGSVC_PORT: '9000',
        IMGSVC_HOST: '0.0.0.0',
        IMGSVC_MAX_UPLOAD_BYTES: '10MiB',
        IMGSVC_PUBLIC_BASE_URL: 'https://img.example.com/',
        REDIS_URL: 'redis://cache:6379/2',
      },
      { port: '9100', role: 'origin' },
    );
    expect(config).toMatchObject({
      port: 9100,
      host: '0.0.0.0',
      role: 'origin',
      maxUploadBytes: 10 * 1024 * 1024,
      publicBaseUrl: 'https://img.example.com',
      redisUrl: 'redis://cache:6379/2',
    });
  });

  it('reads cluster and sentinel REDIS_URLs, and lists their problems with the rest, passwords not echoed', () => {
    expect(loadConfig({ REDIS_URL: 'redis+cluster://a:7000,b:7001' }).redisUrl).toBe('redis+cluster://a:7000,b:7001');
    expect(loadConfig({ REDIS_URL: 'redis+sentinel://s:26379/mymaster' }).redisUrl).toBe('redis+sentinel://s:26379/mymaster');
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: 'redis+sentinel://:hunter2@s:0', IMGSVC_REDIS_SHARDS: '0', IMGSVC_PORT: 'eighty' });
    } catch (err) {
      error = err;
    }
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    const redis = problems.find((p) => p.startsWith('REDIS_URL'))!;
    expect(redis).toMatch(/port from 1 to 65535 .*; expected the master name/);
    expect(redis).toContain('redis+sentinel://:***@s:0');
    expect(redis).not.toContain('hunter2');
    expect(problems.join('\n')).toMatch(/IMGSVC_REDIS_SHARDS/);
    expect(() => loadConfig({ REDIS_URL: 'redis+cluster://a:1,redis+sentinel://b:2/m' })).toThrow(/REDIS_URL: expected one URL of one form/);
  });

  it('lists every problem at once, naming the variable or flag', () => {
    let error: unknown;
    try {
      loadConfig(
        { IMGSVC_PORT: 'eighty', IMGSVC_MAX_UPLOAD_BYTES: 'lots', REDIS_URL: 'localhost:6379', IMGSVC_PUBLIC_BASE_URL: 'ftp://x' },
        { role: 'everything' },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/--role/);
    expect(problems.join('\n')).toMatch(/IMGSVC_PORT/);
    expect(problems.join('\n')).toMatch(/IMGSVC_MAX_UPLOAD_BYTES/);
    expect(problems.join('\n')).toMatch(/REDIS_URL/);
    expect(problems.join('\n')).toMatch(/IMGSVC_PUBLIC_BASE_URL/);
  });

  it('reads the transform limits', () => {
    const config = loadConfig({ IMGSVC_TRANSFORM_MEMORY_BUDGET: '2GiB', IMGSVC_MAX_FRAMES: '50', IMGSVC_TRANSFORM_FAILURE_TTL_SECONDS: '0' });
    expect(config).toMatchObject({ transformMemoryBudget: 2 * 1024 ** 3, maxFrames: 50, transformFailureTtlSeconds: 0 });
    expect(() => loadConfig({ IMGSVC_TRANSFORM_MEMORY_BUDGET: 'lots', IMGSVC_MAX_ANIMATION_PIXELS: '0' })).toThrow(
      /IMGSVC_TRANSFORM_MEMORY_BUDGET[\s\S]*IMGSVC_MAX_ANIMATION_PIXELS|IMGSVC_MAX_ANIMATION_PIXELS[\s\S]*IMGSVC_TRANSFORM_MEMORY_BUDGET/,
    );
  });

  it('reads the event retention as a duration of at least a minute (default 7 days)', () => {
    // Changed with issue 20: hours, not 7 days, by default (the stream is part of the index's per-image footprint).
    expect(loadConfig({}).eventRetentionMs).toBe(12 * 3_600_000);
    expect(loadConfig({ IMGSVC_EVENT_RETENTION: '36h' }).eventRetentionMs).toBe(36 * 3_600_000);
    expect(loadConfig({ IMGSVC_EVENT_RETENTION: '600' }).eventRetentionMs).toBe(600_000);
    for (const bad of ['30s', 'forever', '7 days', '-1d']) expect(() => loadConfig({ IMGSVC_EVENT_RETENTION: bad }), bad).toThrow(/IMGSVC_EVENT_RETENTION[\s\S]*at least 60 s/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ IMGSVC_PORT: '', REDIS_URL: ' ' }).port).toBe(8080);
  });
});

describe('Redis passwords kept out of REDIS_URL', () => {
  it('takes REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD beside a URL without them', () => {
    const config = loadConfig({ REDIS_URL: 'redis+sentinel://s:26379/m', REDIS_PASSWORD: 'p@ss', REDIS_SENTINEL_PASSWORD: 's/pw' });
    expect(config).toMatchObject({ redisPassword: 'p@ss', redisSentinelPassword: 's/pw' });
    expect(loadConfig({ REDIS_URL: 'redis+cluster://a:1', REDIS_PASSWORD: 'x' }).redisPassword).toBe('x');
  });

  it.each([
    [{ REDIS_PASSWORD: 'x' }, /REDIS_PASSWORD: only used with REDIS_URL/],
    [{ REDIS_URL: 'redis+cluster://:a@h:1', REDIS_PASSWORD: 'x' }, /REDIS_PASSWORD: set it either in REDIS_URL/],
    [{ REDIS_URL: 'redis://:a@h:1', REDIS_PASSWORD: 'x' }, /REDIS_PASSWORD: set it either in REDIS_URL/],
    [{ REDIS_URL: 'redis+cluster://h:1', REDIS_SENTINEL_PASSWORD: 'x' }, /REDIS_SENTINEL_PASSWORD: only used with a redis\+sentinel/],
    [{ REDIS_URL: 'redis+sentinel://h:1/m?sentinelPassword=a', REDIS_SENTINEL_PASSWORD: 'x' }, /REDIS_SENTINEL_PASSWORD: set it either/],
  ])('refuses %o', (env, problem) => {
    expect(() => loadConfig(env)).toThrow(problem);
    expect(() => loadConfig(env)).not.toThrow(/"x"/);
  });
});

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
    expect(loadConfig({}).eventRetentionMs).toBe(7 * 86_400_000);
    expect(loadConfig({ IMGSVC_EVENT_RETENTION: '36h' }).eventRetentionMs).toBe(36 * 3_600_000);
    expect(loadConfig({ IMGSVC_EVENT_RETENTION: '600' }).eventRetentionMs).toBe(600_000);
    for (const bad of ['30s', 'forever', '7 days', '-1d']) expect(() => loadConfig({ IMGSVC_EVENT_RETENTION: bad }), bad).toThrow(/IMGSVC_EVENT_RETENTION[\s\S]*at least 60 s/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ IMGSVC_PORT: '', REDIS_URL: ' ' }).port).toBe(8080);
  });
});

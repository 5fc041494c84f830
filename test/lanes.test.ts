import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/repo-root.js';
import { CLUSTER_LANE, E2E, INTEGRATION, SLOW } from './lanes.js';

/** What a unit test may not reach for, and the lane a file that does belongs in. */
const NOT_IN_UNIT: [RegExp, string][] = [
  [/helpers\/(service|people|second-pod)\.js/, 'e2e (the whole service)'],
  [/helpers\/(spawn-imgsvc|browser|prometheus|k8s-tools)\.js/, 'slow (a binary, a browser, Prometheus or kubectl)'],
  [/['"]node:child_process['"]/, 'slow (a spawned process)'],
  [/helpers\/(redis|redis-process|redis-cluster|redis-sentinel|redis-replica|test-redis-target|s3)\.js|['"]ioredis['"]/, 'integration (a real Redis or S3 server)'],
  [/helpers\/corpus\.js/, 'integration (corpus files)'],
];

function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (name === 'node_modules') return [];
    if (statSync(join(ROOT, path)).isDirectory()) return testFiles(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The lanes' patterns are exact paths or `<folder>/**` globs: no more is needed. */
const matches = (file: string, patterns: string[]) =>
  patterns.some((p) => (p.includes('**') ? file.startsWith(p.slice(0, p.indexOf('**'))) : file === p));

describe('test lanes', () => {
  const all = ['services', 'operator', 'cdk8s', 'test'].flatMap(testFiles);
  const unit = all.filter((f) => !matches(f, [...CLUSTER_LANE, ...INTEGRATION, ...E2E, ...SLOW]));

  it('list only files that exist', () => {
    for (const p of [...INTEGRATION, ...SLOW]) if (!p.includes('**')) expect(all, p).toContain(p);
  });

  it('keep the unit lane pure: no Redis, corpus, service, browser or child process', () => {
    expect(unit.length).toBeGreaterThan(80);
    const misplaced = unit.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const found = NOT_IN_UNIT.find(([pattern]) => pattern.test(text));
      return found ? [`${file}: belongs in ${found[1]}; list it in test/lanes.ts`] : [];
    });
    expect(misplaced).toEqual([]);
  });

  it('put every slow or integration file in one lane only', () => {
    expect(INTEGRATION.filter((f) => matches(f, SLOW))).toEqual([]);
    expect(SLOW.filter((f) => !matches(f, E2E))).toEqual([]);
  });
});

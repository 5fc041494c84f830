import { defineConfig } from 'vitest/config';
import { ALL_TESTS, CLUSTER_LANE, E2E, INTEGRATION, SLOW } from './test/lanes.js';

/**
 * `npm test` runs every project below (then the cluster lane); `npm run test:unit` (or
 * `vitest run --project unit`) is the edit loop. The lanes are listed in test/lanes.ts.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only makes the image-heavy files slower.
    maxWorkers: 2,
    // s3rver (the S3-protocol server in tests) makes list continuation tokens with DES, which
    // OpenSSL 3 only offers through its legacy provider.
    execArgv: ['--openssl-legacy-provider'],
    projects: [
      // Pure code shares its workers' module cache (no isolation between files): a third of the
      // CPU and a third of the time of a fresh module graph per file. A unit test keeps no state
      // a later file could see; if one must, it resets it in afterAll.
      lane('unit', ALL_TESTS, [...CLUSTER_LANE, ...INTEGRATION, ...E2E, ...SLOW], [], { isolate: false }),
      lane('integration', INTEGRATION, []),
      // Tests that spawn bin/imgsvc.js need dist/ to match the sources: test/global-setup.ts builds it.
      // The whole service and its resizer share two cores with a second file: a test that waits
      // for images to be resized gets twice the unit lane's minute (CI beside a CPU hog needs it).
      lane('e2e', E2E, SLOW, ['test/global-setup.ts'], { testTimeout: 120_000 }),
      lane('slow', SLOW, [], ['test/global-setup.ts'], { testTimeout: 120_000 }),
    ],
  },
});

function lane(name: string, include: string[], exclude: string[], globalSetup: string[] = [], more: { isolate?: boolean; testTimeout?: number } = {}) {
  return {
    extends: true as const,
    test: { name, include, exclude: ['**/node_modules/**', ...exclude], globalSetup, ...more },
  };
}

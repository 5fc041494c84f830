import { defineConfig } from 'vitest/config';

/**
 * The cluster lane (`npm run test:cluster`): the connection layer, the failover tests, and the
 * core end-to-end suites, each test service on a real Redis Cluster of its own (3 primaries,
 * 3 replicas; IMGSVC_TEST_REDIS=cluster makes test/helpers/service.ts start one). Slow: every
 * cluster is six redis-server processes, so files run one at a time.
 */
export const CLUSTER_E2E_SUITES = [
  'test/e2e/upload-api.test.ts',
  'test/e2e/lifecycle.test.ts',
  'test/e2e/albums.test.ts',
  'test/e2e/favorites.test.ts',
  'test/e2e/comments.test.ts',
  'test/e2e/search.test.ts',
  'test/e2e/events.test.ts',
  'test/e2e/webhooks.test.ts',
  'test/e2e/redis-data-loss.test.ts',
];

/**
 * kill -9 of a primary under a 60 s upload load (cluster and Sentinel). Part of the lane again
 * now that other shards keep answering during a cluster failover (docs/redis.md); the slowest
 * file by far (12 minutes with the small photo on a 2-core machine at load 18, 3.6 min of it CPU), so
 * `npm run test:failover` (IMGSVC_FAILOVER_LANE=1) runs it alone.
 */
export const FAILOVER_SUITES = ['test/cluster/failover-kill.test.ts'];

export default defineConfig({
  test: {
    include: process.env.IMGSVC_FAILOVER_LANE ? FAILOVER_SUITES : ['test/cluster/**/*.test.ts', ...CLUSTER_E2E_SUITES],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    maxWorkers: 1,
    globalSetup: ['test/global-setup.ts'],
    env: { IMGSVC_TEST_REDIS: 'cluster' },
    execArgv: ['--openssl-legacy-provider'],
  },
});

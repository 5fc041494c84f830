/**
 * The test lanes, as Vitest projects (vitest.config.ts). What a file needs decides its lane:
 *
 * - unit: pure code beside it, nothing to install, no Redis, no corpus: seconds (`npm run test:unit`);
 * - integration: a real redis-server, an in-process s3rver or corpus files, without the whole service;
 * - e2e: the whole service over real HTTP (test/helpers/service.ts), on its own redis-server;
 * - slow: whole-corpus sweeps, real browsers, spawned `imgsvc` binaries, kubectl and helm, Prometheus.
 *
 * unit is every test file that no other lane lists, so a new file lands there first;
 * test/lanes.test.ts fails when a unit file reaches for Redis, the corpus, the service or a child
 * process, naming the lane it belongs in. The Redis Cluster and failover lanes are
 * vitest.cluster.config.ts.
 */
export const ALL_TESTS = ['services/**/*.test.ts', 'operator/**/*.test.ts', 'cdk8s/**/*.test.ts', 'test/**/*.test.ts'];

/** Real Redis Cluster and Sentinel groups: their own lane (vitest.cluster.config.ts, `npm run test:cluster`). */
export const CLUSTER_LANE = ['test/cluster/**'];

export const INTEGRATION = [
  'test/integration/**/*.test.ts',
  'services/analytics/request-recorder.test.ts',
  'services/core/sniff-format.test.ts',
  'services/events/event-entry-formats.test.ts',
  'services/events/webhooks/delivery-order.test.ts',
  'services/events/webhooks/legacy-webhooks.test.ts',
  'services/images/bytes-entry.test.ts',
  'services/images/cold-records.test.ts',
  'services/images/record-writer.test.ts',
  'services/sharing/album-store.test.ts',
  'services/redis/short-lock.test.ts',
  'services/images/index-layout.test.ts',
  'services/images/reindex.test.ts',
  'services/imaging/shrink-on-load.test.ts',
  'services/redis/legacy-keys.test.ts',
  'services/runtime/rebuild-from-storage.test.ts',
  'services/imaging/ssim.test.ts',
  'services/redis/invalidation-bus.test.ts',
  'services/resizer/dead-consumer-takeover.test.ts',
  'services/resizer/job-queue.test.ts',
  'services/resizer/orphan-sweep.test.ts',
  'services/resizer/resize-worker.test.ts',
  'services/search/bulk-load.test.ts',
  'services/search/legacy-keys.test.ts',
  'services/search/search-index.test.ts',
  'services/search/upload-guard.test.ts',
  'services/origin/download-leases.test.ts',
  'services/storage/s3-store.test.ts',
  'services/upload/probe-image.test.ts',
];

export const SLOW = [
  // Real browsers (Debian's chromium through playwright-core), and browser header sets over the corpus.
  'test/e2e/browser.test.ts',
  'test/e2e/docs-browser.test.ts',
  'test/e2e/webapp-browser.test.ts',
  'test/e2e/origin-browsers.test.ts',
  // Every corpus file, or every hostile one.
  'test/e2e/upload-corpus.test.ts',
  'test/e2e/resizer-corpus.test.ts',
  'test/e2e/hostile.test.ts',
  'test/e2e/per-image-quality.test.ts',
  // Spawned binaries: the `imgsvc` command itself, killed and restarted children.
  'test/e2e/capacity-cli.test.ts',
  'test/e2e/newcomer-cli.test.ts',
  'test/e2e/serve-cli.test.ts',
  'test/e2e/upload-cli.test.ts',
  'test/e2e/operator-binary.test.ts',
  'test/e2e/image-layout.test.ts',
  'test/e2e/private-redis-supervision.test.ts',
  'test/e2e/redis-startup-errors.test.ts',
  'test/e2e/events-crash.test.ts',
  'test/e2e/resizer-faults.test.ts',
  'test/e2e/transform-memory.test.ts',
  'test/e2e/webhooks-sigkill.test.ts',
  'test/e2e/storage-write-failures.test.ts',
  'test/security/accounts.test.ts',
  // Kubernetes tools (kubectl, helm from test/tools/install-k8s-tools.sh) and Prometheus.
  'test/e2e/helm-chart.test.ts',
  'test/e2e/operator.test.ts',
  'test/e2e/observability.test.ts',
];

export const E2E = ['test/e2e/**/*.test.ts', 'test/security/**/*.test.ts'];

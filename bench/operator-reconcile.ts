/**
 * `npm run bench:operator`: the operator against the fake API server (test/fake-kube) with N
 * ImageServices: time until every one is Ready from a cold start, then the API requests one
 * reconcile costs, by verb. The fake answers in-process, so the times are a lower bound of what
 * a real API server allows; the request counts are what they would be there.
 */
import { imageServiceCrd } from '../cdk8s/crd.js';
import { KubeClient } from '../operator/kube-client.js';
import { loadOperatorConfig } from '../operator/operator-config.js';
import { runOperator } from '../operator/run-operator.js';
import { createLogger } from '../services/core/logger.js';
import { FakeApiServer } from '../test/fake-kube/fake-api-server.js';
import { FakeControllers } from '../test/fake-kube/fake-controllers.js';

const N = Number(process.argv[2] ?? 100);
const fake = await FakeApiServer.start();
new FakeControllers(fake.store);
const store = fake.store;
store.create(fake.type('apiextensions.k8s.io', 'customresourcedefinitions'), undefined, imageServiceCrd() as never);
const isvc = fake.type('imgsvc.io', 'imageservices');
for (let i = 0; i < N; i++) {
  store.create(isvc, 'default', { metadata: { name: `site-${i}` }, spec: { redis: { url: 'redis://redis:6379' }, storage: { s3: { bucket: `bucket-${i}` } } } });
}
const readyCount = () => store.list(isvc, 'default', () => true).filter((o) => ((o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).length;

const started = performance.now();
const operator = await runOperator(loadOperatorConfig({ IMGSVC_OPERATOR_PORT: '0', IMGSVC_OPERATOR_CONCURRENCY: '4' }), KubeClient.fromKubeconfig(fake.kubeconfig()), createLogger('silent'));
while (readyCount() < N) await new Promise((r) => setTimeout(r, 20));
const coldMs = performance.now() - started;
await operator.idle();
const coldRequests = fake.requests.length;

// One spec change per resource: the steady-state cost of a reconcile.
const before = fake.requests.length;
for (let i = 0; i < N; i++) {
  const o = store.get(isvc, 'default', `site-${i}`);
  store.update(isvc, 'default', `site-${i}`, { ...o, spec: { ...(o.spec as object), publicBaseUrl: `https://img${i}.example.com` } });
}
const changed = performance.now();
while (store.list(isvc, 'default', () => true).some((o) => (o.status as { observedGeneration?: number }).observedGeneration !== 2)) await new Promise((r) => setTimeout(r, 20));
const changeMs = performance.now() - changed;
await operator.idle();
const byVerb = new Map<string, number>();
for (const r of fake.requests.slice(before)) {
  const kind = r.path.split('/').filter(Boolean).find((p, i, all) => all[i - 1] === 'default' || (all[i - 1] === 'v1alpha1' && p === 'imageservices')) ?? r.path;
  const key = `${r.method} ${kind}${r.path.endsWith('/status') ? '/status' : ''}`;
  byVerb.set(key, (byVerb.get(key) ?? 0) + 1);
}
await operator.stop();
await fake.stop();

console.log(`operator against the fake API server, ${N} ImageServices (${N * 15} owned objects), 4 workers`);
console.log(`cold start to all Ready: ${(coldMs / 1000).toFixed(2)} s (${Math.round(N / (coldMs / 1000))} resources/s), ${coldRequests} API requests`);
console.log(`one spec change each, to status observedGeneration 2 everywhere: ${(changeMs / 1000).toFixed(2)} s`);
console.log(`API requests per reconcile after a spec change (total / ${N}):`);
for (const [key, count] of [...byVerb].sort((a, b) => b[1] - a[1])) console.log(`  ${key.padEnd(44)} ${(count / N).toFixed(2)}`);
console.log(`  ${'all'.padEnd(44)} ${([...byVerb.values()].reduce((a, b) => a + b, 0) / N).toFixed(2)}`);

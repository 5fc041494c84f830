import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageServiceCrd } from '../../cdk8s/crd.js';
import { eventually } from '../helpers/eventually.js';
import { ROOT, startFakeCluster, type FakeCluster } from '../helpers/fake-cluster.js';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';

/** `imgsvc operator` as shipped: its own health and metrics endpoints, and a clean SIGTERM that hands the Lease over. */
let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster(undefined);
  cluster.fake.store.create(cluster.fake.type('apiextensions.k8s.io', 'customresourcedefinitions'), undefined, imageServiceCrd() as never);
});
afterAll(() => cluster.stop());

describe('imgsvc operator (the binary)', () => {
  it('serves health and metrics, reconciles, and releases the Lease on SIGTERM', async () => {
    const op = spawnImgsvc(['operator', '--port', '0'], { cwd: ROOT, env: { KUBECONFIG: cluster.kubeconfigPath, POD_NAME: 'op-binary', POD_NAMESPACE: 'default' } });
    const url = await eventually(() => {
      const line = op.output().split('\n').find((l) => l.includes('"imgsvc operator started"'));
      if (!line) throw new Error(`not started yet:\n${op.output()}`);
      return (JSON.parse(line) as { url: string }).url;
    }, 20_000);

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    await eventually(async () => expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', leader: true }));

    cluster.fake.store.create(cluster.fake.type('imgsvc.io', 'imageservices'), 'default', {
      metadata: { name: 'bin' },
      spec: { redis: { url: 'redis://redis:6379' }, storage: { s3: { bucket: 'bin-images' } } },
    });
    await eventually(() => expect(cluster.fake.store.list(cluster.fake.type('apps', 'deployments'), 'default', () => true)).toHaveLength(3));
    await eventually(async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/imgsvc_operator_reconciles_total\{result="success"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/^imgsvc_operator_leader 1$/m);
      expect(metrics).toContain('imgsvc_operator_reconcile_duration_seconds_bucket');
    });

    op.child.kill('SIGTERM');
    expect(await op.exited).toEqual({ code: 0, signal: null });
    const lease = cluster.fake.store.get(cluster.fake.type('coordination.k8s.io', 'leases'), 'default', 'imgsvc-operator') as { spec: { holderIdentity?: string } };
    expect(lease.spec.holderIdentity).toBeUndefined();
    expect(op.output()).toContain('stopping: releasing the lease');
  });

  it('with no cluster configured, says so in one line and how to point it at one, and exits', async () => {
    // An empty environment: no KUBECONFIG, no HOME (so no ~/.kube/config), no in-cluster variables.
    const op = spawnImgsvc(['operator', '--port', '0'], { cwd: ROOT, env: {} });
    const exited = await Promise.race([op.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 20_000))]);
    if (!exited) op.child.kill('SIGKILL');
    expect(exited, op.output()).toEqual({ code: 1, signal: null });
    const lines = op.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^imgsvc operator: no Kubernetes cluster is configured: set KUBECONFIG .*in-cluster/);
    expect(op.output()).not.toMatch(/TLS|skipTLSVerify/);
  });

  it('exits with every configuration problem listed', async () => {
    const op = spawnImgsvc(['operator'], { cwd: ROOT, env: { IMGSVC_OPERATOR_PORT: 'http', IMGSVC_OPERATOR_LEASE_DURATION_SECONDS: '0' } });
    expect((await op.exited).code).toBe(1);
    expect(op.output()).toContain('IMGSVC_OPERATOR_LEASE_DURATION_SECONDS');
    expect(op.output()).toContain('IMGSVC_OPERATOR_PORT');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../operator/kube-client.js';
import { loadOperatorConfig } from '../../operator/operator-config.js';
import { runOperator, type RunningOperator } from '../../operator/run-operator.js';
import { createLogger } from '../../services/core/logger.js';
import { eventually } from '../helpers/eventually.js';
import { startFakeCluster, type FakeCluster } from '../helpers/fake-cluster.js';
import { requireK8sTool } from '../helpers/k8s-tools.js';

/**
 * The operator end to end against the fake API server, driven the way a platform team drives it:
 * the real kubectl applies the CRD and the example, reads `kubectl get`, patches and deletes.
 */
const quiet = createLogger('silent');

function operatorConfig(identity: string) {
  return loadOperatorConfig({
    POD_NAME: identity,
    IMGSVC_OPERATOR_PORT: '0',
    IMGSVC_OPERATOR_LEASE_DURATION_SECONDS: '6',
    IMGSVC_OPERATOR_RENEW_DEADLINE_SECONDS: '4',
    IMGSVC_OPERATOR_RETRY_PERIOD_SECONDS: '0.3',
  });
}

describe('operator with kubectl against the fake API server', () => {
  let cluster: FakeCluster;
  let operator: RunningOperator;

  const json = async (...args: string[]) => {
    const r = await cluster.kubectl(...args, '-o', 'json');
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as { items: { metadata: { name: string } }[] } & Record<string, unknown>;
  };
  const names = async (kinds: string) => (await json('get', kinds)).items.map((i) => `${(i as unknown as { kind: string }).kind}/${i.metadata.name}`).sort();
  const readyCondition = async (name: string) => {
    const r = await cluster.kubectl('get', 'imgs', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].reason} {.status.observedGeneration} {.metadata.generation}');
    return r.stdout;
  };

  beforeAll(async () => {
    cluster = await startFakeCluster(requireK8sTool('kubectl'));
    const crd = await cluster.kubectl('apply', '--server-side', '-f', 'crds/imageservices.imgsvc.io.yaml');
    expect(crd.stderr).toBe('');
    operator = await runOperator(operatorConfig('op-a'), KubeClient.fromKubeconfig(cluster.kubeconfig), quiet);
    await eventually(() => expect(operator.isLeader).toBe(true));
  });

  afterAll(async () => {
    await operator?.stop();
    await cluster?.stop();
  });

  it('turns the example into three Deployments, Services, HPAs and PDBs, Ready once their pods are', async () => {
    cluster.controllers.setPodsReady(false);
    const applied = await cluster.kubectl('apply', '--server-side', '-f', 'examples/imageservice.yaml');
    expect(applied.stdout).toContain('imageservice.imgsvc.io/photos serverside-applied');

    const roles = ['origin', 'resizer', 'upload'];
    await eventually(async () => {
      expect(await names('deploy,svc,hpa,pdb')).toEqual([
        ...roles.map((r) => `Deployment/photos-${r}`),
        ...roles.map((r) => `HorizontalPodAutoscaler/photos-${r}`),
        ...roles.map((r) => `PodDisruptionBudget/photos-${r}`),
        ...roles.map((r) => `Service/photos-${r}`),
      ].sort());
    });
    expect(await names('ingress,cm,sa')).toEqual(['ConfigMap/photos', 'Ingress/photos', 'ServiceAccount/photos']);
    await eventually(async () => expect(await readyCondition('photos')).toBe('False RolesNotReady 1 1'));

    cluster.controllers.setPodsReady(true);
    await eventually(async () => expect(await readyCondition('photos')).toBe('True AllRolesReady 1 1'));

    const table = await cluster.kubectl('get', 'imageservices');
    const [header, row] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME\s+READY\s+REASON\s+UPLOAD\s+RESIZER\s+ORIGIN\s+AGE$/);
    // The HPAs' minimums, reached by the stand-in HPA controller.
    expect(row).toMatch(/^photos\s+True\s+AllRolesReady\s+2\s+2\s+2\s+\d+s$/);

    const listed = await cluster.kubectl('get', 'deploy,svc,hpa');
    expect(listed.stdout).toMatch(/deployment\.apps\/photos-upload\s+2\/2/);
    expect(listed.stdout).toMatch(/horizontalpodautoscaler\.autoscaling\/photos-resizer\s+Deployment\/photos-resizer\s+cpu: <unknown>\/80%, <unknown>\/30\s+2\s+120/);

    const status = (await json('get', 'imgs', 'photos')) as unknown as { status: { conditions: { type: string; observedGeneration: number }[]; endpoints: Record<string, string>; roles: Record<string, { readyReplicas: number }> } };
    expect(status.status.conditions.map((c) => [c.type, c.observedGeneration])).toEqual([['Ready', 1], ['Progressing', 1], ['Degraded', 1]]);
    expect(status.status.endpoints).toEqual({ upload: 'http://photos-upload.default.svc:80', origin: 'http://photos-origin.default.svc:80', public: 'https://img.example.com' });
  });

  it('prunes what a settings change no longer wants and follows the new generation', async () => {
    const patched = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', JSON.stringify({ spec: { resizer: { replicas: 3, autoscaling: { enabled: false } }, ingress: null } }));
    expect(patched.code, patched.stderr).toBe(0);
    await eventually(async () => {
      expect(await names('hpa')).toEqual(['HorizontalPodAutoscaler/photos-origin', 'HorizontalPodAutoscaler/photos-upload']);
      expect(await names('ingress')).toEqual([]);
    });
    const described = await cluster.kubectl('describe', 'imageservice', 'photos');
    expect(described.stdout).toMatch(/Events:[\s\S]*Normal\s+Pruned\s+.*imgsvc-operator\s+deleted HorizontalPodAutoscaler photos-resizer: no longer desired/);
    expect(described.stdout).toMatch(/Normal\s+Applied\s+.*applied 15 objects for generation 1/);
    // Without an HPA the operator owns replicas again, taking the field from the HPA controller.
    await eventually(async () => {
      const d = (await json('get', 'deploy', 'photos-resizer')) as unknown as { spec: { replicas: number } };
      expect(d.spec.replicas).toBe(3);
      expect(await readyCondition('photos')).toBe('True AllRolesReady 2 2');
    });
  });

  it('turns autoscaling back on without resetting the running pods to one', async () => {
    const seen: number[] = [];
    cluster.fake.store.watchers.add({
      key: 'apps/deployments',
      send: (e) => {
        const d = e.object as { metadata: { name: string }; spec: { replicas: number } };
        if (d.metadata.name === 'photos-resizer' && e.type !== 'DELETED') seen.push(d.spec.replicas);
      },
      expire: () => {},
    });
    const patched = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', JSON.stringify({ spec: { resizer: { autoscaling: { enabled: true } } } }));
    expect(patched.code, patched.stderr).toBe(0);
    await eventually(async () => {
      expect(await names('hpa')).toContain('HorizontalPodAutoscaler/photos-resizer');
      expect(await readyCondition('photos')).toBe('True AllRolesReady 3 3');
    });
    expect(seen.length).toBeGreaterThan(0);
    // Without the handover, server-side apply would drop the field and the API default it to 1.
    expect(Math.min(...seen)).toBe(3);
    const managers = ((await json('get', 'deploy', 'photos-resizer', '--show-managed-fields')) as unknown as { metadata: { managedFields: { manager: string }[] } }).metadata.managedFields.map((m) => m.manager);
    expect(managers).toContain('imgsvc-operator-handover');
  });

  it('reconciles from its caches: no LIST per reconcile, one apply per object', async () => {
    const before = cluster.fake.requests.length;
    const patched = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', '{"spec":{"config":{"logLevel":"debug"}}}');
    expect(patched.code).toBe(0);
    await eventually(async () => expect(((await json('get', 'cm', 'photos')) as unknown as { data: Record<string, string> }).data.IMGSVC_LOG_LEVEL).toBe('debug'));
    await operator.idle();
    const requests = cluster.fake.requests.slice(before).filter((r) => !r.path.startsWith('/api/v1/namespaces/default/configmaps/photos') || r.method !== 'GET');
    const lists = requests.filter((r) => r.method === 'GET' && !r.query.includes('watch') && /\/(deployments|services|configmaps|serviceaccounts|poddisruptionbudgets|horizontalpodautoscalers|ingresses)$/.test(r.path));
    expect(lists).toEqual([]);
  });

  it('ignores status churn from other controllers (the HPA writes its status every 15 s)', async () => {
    await operator.idle();
    await new Promise((r) => setTimeout(r, 200));
    const before = cluster.fake.requests.length;
    const hpas = cluster.fake.type('autoscaling', 'horizontalpodautoscalers');
    for (let i = 0; i < 5; i++) {
      const h = cluster.fake.store.get(hpas, 'default', 'photos-origin');
      cluster.fake.store.update(hpas, 'default', 'photos-origin', { ...h, status: { ...(h.status as object), lastScaleTime: `2026-11-22T10:00:0${i}Z` } }, { subresource: 'status' });
    }
    await new Promise((r) => setTimeout(r, 300));
    await operator.idle();
    expect(cluster.fake.requests.slice(before).filter((r) => r.method !== 'GET' && !r.path.includes('/leases/'))).toEqual([]);
  });

  it('puts back an owned object deleted by hand', async () => {
    const deleted = await cluster.kubectl('delete', 'svc', 'photos-origin');
    expect(deleted.code).toBe(0);
    await eventually(async () => expect(await names('svc')).toContain('Service/photos-origin'));
  });

  it('rejects what the CRD rules forbid, with their messages', async () => {
    const both = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', '{"spec":{"redis":{"url":"redis://r:6379"}}}');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('set exactly one of url or urlSecretRef');
    const moved = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', '{"spec":{"storage":{"s3":{"bucket":"elsewhere"}}}}');
    expect(moved.stderr).toContain('bucket is immutable');
    const inverted = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', '{"spec":{"upload":{"autoscaling":{"minReplicas":9,"maxReplicas":3}}}}');
    expect(inverted.stderr).toContain('minReplicas must not exceed maxReplicas');
  });

  it('reports a spec the service would refuse as Degraded, and applies nothing for it', async () => {
    const bad = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', '{"spec":{"config":{"eagerPresets":"thumb=50:gif"}}}');
    expect(bad.code, bad.stderr).toBe(0);
    await eventually(async () => {
      const r = await cluster.kubectl('get', 'imgs', 'photos', '-o', 'jsonpath={.status.conditions[?(@.type=="Degraded")].reason}: {.status.conditions[?(@.type=="Degraded")].message}');
      expect(r.stdout).toMatch(/^InvalidSpec: spec\.config → IMGSVC_EAGER_PRESETS: expected formats/);
    });
    const events = (await json('get', 'events', '--field-selector', 'involvedObject.name=photos,type=Warning')).items as unknown as { reason: string }[];
    expect(events.map((e) => e.reason)).toContain('InvalidSpec');
    const cm = (await json('get', 'cm', 'photos')) as unknown as { data: Record<string, string> };
    expect(cm.data.IMGSVC_EAGER_PRESETS).toBe('thumb=50:avif+webp+source,w640=640:webp,w1280=1280:webp');
    await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', '{"spec":{"config":{"eagerPresets":"thumb=50:avif+webp+source,w640=640:webp"}}}');
    await eventually(async () => {
      expect(await readyCondition('photos')).toMatch(/^True AllRolesReady/);
      expect(((await json('get', 'cm', 'photos')) as unknown as { data: Record<string, string> }).data.IMGSVC_EAGER_PRESETS).toBe('thumb=50:avif+webp+source,w640=640:webp');
    });
  });

  it('recovers from expired watches, dropped connections and throttled or failing writes', async () => {
    const before = cluster.fake.requests.length;
    cluster.fake.store.expireWatches();
    cluster.fake.dropConnections();
    cluster.fake.injectFault({ method: 'PATCH', path: /\/deployments\/photos-origin$/, status: 500, times: 2 });
    cluster.fake.injectFault({ method: 'PATCH', path: /\/configmaps\/photos$/, status: 429, times: 1 });
    const scaled = await cluster.kubectl('patch', 'imgs', 'photos', '--type', 'merge', '-p', '{"spec":{"origin":{"autoscaling":{"maxReplicas":55}}}}');
    expect(scaled.code, scaled.stderr).toBe(0);
    await eventually(async () => {
      const hpa = (await json('get', 'hpa', 'photos-origin')) as unknown as { spec: { maxReplicas: number } };
      expect(hpa.spec.maxReplicas).toBe(55);
    }, 20_000);
    const after = cluster.fake.requests.slice(before);
    // A fresh list (no watch parameter) of ImageServices: the relist after 410 or the dropped stream.
    expect(after.some((r) => r.method === 'GET' && r.path === '/apis/imgsvc.io/v1alpha1/imageservices' && !r.query.includes('watch'))).toBe(true);
    expect(after.filter((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/photos-origin')).length).toBeGreaterThanOrEqual(3);
  });

  it('elects one leader among two operators, and the standby takes over when the leader stops', async () => {
    const standby = await runOperator(operatorConfig('op-b'), KubeClient.fromKubeconfig(cluster.kubeconfig), quiet);
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect([operator.isLeader, standby.isLeader]).toEqual([true, false]);
      const lease = (await json('get', 'lease', 'imgsvc-operator')) as unknown as { spec: { holderIdentity: string } };
      expect(lease.spec.holderIdentity).toBe('op-a');

      await operator.stop();
      await eventually(() => expect(standby.isLeader).toBe(true), 5_000);
      const after = (await json('get', 'lease', 'imgsvc-operator')) as unknown as { spec: { holderIdentity: string; leaseTransitions: number } };
      expect(after.spec.holderIdentity).toBe('op-b');

      // The new leader reconciles: a new ImageService gets its objects.
      cluster.fake.store.create(cluster.fake.type('', 'namespaces'), undefined, { metadata: { name: 'media' } });
      cluster.fake.store.create(cluster.fake.type('imgsvc.io', 'imageservices'), 'media', {
        metadata: { name: 'avatars' },
        spec: { redis: { url: 'redis://redis:6379' }, storage: { s3: { bucket: 'avatars' } } },
      });
      await eventually(async () => expect((await json('get', 'deploy', '-n', 'media')).items.map((i) => i.metadata.name).sort()).toEqual(['avatars-origin', 'avatars-resizer', 'avatars-upload']));
    } finally {
      operator = standby;
    }
  });

  it('cascades deletion of an ImageService to everything it owns', async () => {
    const deleted = await cluster.kubectl('delete', 'imgs', 'photos');
    expect(deleted.code, deleted.stderr).toBe(0);
    // Immediately, or once the garbage collector removes what a reconcile already under way re-created.
    await eventually(async () => expect(await names('deploy,svc,hpa,pdb,cm,sa,ingress')).toEqual([]));
    expect((await json('get', 'deploy', '-n', 'media')).items).toHaveLength(3);
  });
});

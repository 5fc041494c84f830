import { metaOf, typeKey, type KubeStore, type Obj, type StoredEvent } from './kube-store.js';
import { isObj } from './patching.js';

/**
 * Stand-ins for kube-controller-manager, acting on the store as the real controllers act through
 * the API: the Deployment controller reports replicas as ready (or not, while `podsReady` is
 * false for it) with observedGeneration, and the HPA controller brings a target's replicas into
 * [minReplicas, maxReplicas] and reports them in the HPA status. No pods exist.
 */
export class FakeControllers {
  private readonly readiness = new Map<string, boolean>();

  constructor(
    private readonly store: KubeStore,
    private podsReadyByDefault = true,
  ) {
    for (const plural of ['deployments', 'horizontalpodautoscalers']) {
      const group = plural === 'deployments' ? 'apps' : 'autoscaling';
      store.watchers.add({ key: typeKey({ group, plural }), send: (e) => this.onEvent(e), expire: () => {} });
    }
  }

  /** Pods of this Deployment (or of every Deployment) become ready, or stop being ready. */
  setPodsReady(ready: boolean, namespace?: string, name?: string): void {
    if (namespace && name) this.readiness.set(`${namespace}/${name}`, ready);
    else {
      this.podsReadyByDefault = ready;
      this.readiness.clear();
    }
    for (const d of this.store.list(this.store.types.get('apps/deployments')!, undefined, () => true)) this.syncDeployment(d);
  }

  private onEvent(e: StoredEvent): void {
    if (e.type === 'DELETED') return;
    // After the write that caused the event has returned, as a real controller would act.
    setImmediate(() => {
      const kind = e.object.kind;
      const fresh = this.store.tryGet(this.store.types.get(kind === 'Deployment' ? 'apps/deployments' : 'autoscaling/horizontalpodautoscalers')!, metaOf(e.object).namespace, metaOf(e.object).name);
      if (!fresh) return;
      if (kind === 'Deployment') this.syncDeployment(fresh);
      else this.syncHpa(fresh);
    });
  }

  private syncDeployment(d: Obj): void {
    const meta = metaOf(d);
    const replicas = isObj(d.spec) && typeof d.spec.replicas === 'number' ? d.spec.replicas : 1;
    const ready = this.readiness.get(`${meta.namespace}/${meta.name}`) ?? this.podsReadyByDefault;
    const status = {
      observedGeneration: meta.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready ? replicas : 0,
      availableReplicas: ready ? replicas : 0,
      conditions: [
        { type: 'Available', status: ready ? 'True' : 'False', reason: ready ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    };
    if (JSON.stringify(d.status) === JSON.stringify(status)) return;
    this.store.update(this.store.types.get('apps/deployments')!, meta.namespace, meta.name, { ...d, status }, { subresource: 'status' });
  }

  private syncHpa(h: Obj): void {
    const spec = h.spec as { minReplicas?: number; maxReplicas: number; scaleTargetRef: { name: string } };
    const deployments = this.store.types.get('apps/deployments')!;
    const target = this.store.tryGet(deployments, metaOf(h).namespace, spec.scaleTargetRef.name);
    if (!target || !isObj(target.spec)) return;
    const current = typeof target.spec.replicas === 'number' ? target.spec.replicas : 1;
    const desired = Math.min(spec.maxReplicas, Math.max(spec.minReplicas ?? 1, current));
    if (desired !== current) {
      this.store.update(deployments, metaOf(target).namespace, metaOf(target).name, { ...target, spec: { ...target.spec, replicas: desired } }, { manager: 'kube-controller-manager', written: { spec: { replicas: desired } } });
    }
    const status = { currentReplicas: current, desiredReplicas: desired };
    if (JSON.stringify(h.status) !== JSON.stringify(status)) {
      this.store.update(this.store.types.get('autoscaling/horizontalpodautoscalers')!, metaOf(h).namespace, metaOf(h).name, { ...h, status }, { subresource: 'status' });
    }
  }
}

import type { KubernetesObject } from '@kubernetes/client-node';
import { INSTANCE_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../cdk8s/build-input.js';
import { desiredObjects, type KubeObject } from '../cdk8s/image-service-chart.js';
import type { ImageService, RoleName } from '../cdk8s/image-service-spec.js';
import { ROLE_NAMES } from '../cdk8s/image-service-spec.js';
import { parseSpec } from '../cdk8s/parse-spec.js';
import { serviceUrl } from '../cdk8s/service.js';
import type { Logger } from '../services/core/logger.js';
import { statusCode, type KubeClient } from './kube-client.js';
import type { EventRecorder } from './event-recorder.js';
import type { OperatorMetrics } from './operator-metrics.js';
import { IMAGE_SERVICE_REF, OWNED_KINDS } from './owned-kinds.js';
import { objectsToPrune } from './prune.js';
import { handOverReplicas, needsReplicasHandover } from './replicas-handover.js';
import { computeStatus, statusChanged, type ObservedDeployment, type Problem } from './status.js';

export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** The owned objects of each kind as the informer caches hold them. */
export interface OwnedCache {
  objects(kind: string): KubernetesObject[];
  /** The operator's own writes, so its next decision sees them before their watch events arrive. */
  remember(object: KubernetesObject): void;
}

/** While pods are coming up, look again even if no watch event arrives. */
const NOT_READY_RESYNC_MS = 15_000;

/**
 * One pass for one ImageService: desired objects from the cdk8s constructs, applied with
 * server-side apply; owned objects no longer desired pruned; status written through the status
 * subresource. Deletion needs nothing: owner references cascade it, and data in S3 and Redis is
 * never touched. A thrown error is retried by the work queue with backoff.
 */
export class Reconciler {
  constructor(
    private readonly client: KubeClient,
    private readonly logger: Logger,
    private readonly metrics: OperatorMetrics,
    private readonly cache: OwnedCache,
    private readonly events: EventRecorder,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async reconcile(namespace: string, name: string): Promise<ReconcileResult> {
    const started = performance.now();
    let result = 'success';
    try {
      return await this.run(namespace, name);
    } catch (err) {
      result = 'error';
      throw err;
    } finally {
      this.metrics.reconciled(result, (performance.now() - started) / 1000);
    }
  }

  private async run(namespace: string, name: string): Promise<ReconcileResult> {
    const log = this.logger.child({ imageService: `${namespace}/${name}` });
    const resource = (await this.client.get(IMAGE_SERVICE_REF, namespace, name)) as unknown as ImageService | undefined;
    if (!resource || resource.metadata.deletionTimestamp) return {};
    const generation = resource.metadata.generation ?? 0;
    const uid = resource.metadata.uid ?? '';

    const parsed = parseSpec(resource.spec, { name, namespace, uid });
    if (!parsed.ok) {
      log.warn({ problems: parsed.problems }, 'invalid spec: nothing applied');
      await this.events.record(resource, 'Warning', 'InvalidSpec', parsed.problems.join('; '));
      await this.writeStatus(resource, {}, { reason: 'InvalidSpec', message: parsed.problems.join('; ') });
      return {};
    }
    const input = { name, namespace, uid, spec: parsed.spec };
    const desired = desiredObjects(input);

    const applied: KubernetesObject[] = [];
    try {
      for (const object of desired) {
        if (object.kind === 'Deployment') {
          const live = this.owned('Deployment', namespace, name).find((d) => d.metadata?.name === object.metadata.name);
          if (needsReplicasHandover(object, live)) {
            log.info({ deployment: object.metadata.name }, 'autoscaling on: handing replicas to the HPA without a reset');
            await handOverReplicas(this.client, object, live!);
            await this.events.record(resource, 'Normal', 'ReplicasHandedOver', `${object.metadata.name}: the HPA takes over from ${(live as { spec?: { replicas?: number } }).spec?.replicas ?? 1} replicas`);
          }
        }
        const written = await this.client.apply(object);
        this.cache.remember(written);
        applied.push(written);
      }
      await this.prune(resource, desired, log);
    } catch (err) {
      const code = statusCode(err);
      // 4xx other than throttling and conflicts will not fix themselves: report them plainly.
      if (code !== undefined && code >= 400 && code < 500 && code !== 409 && code !== 429) {
        await this.events.record(resource, 'Warning', 'ApplyFailed', firstLine(err));
        await this.writeStatus(resource, {}, { reason: 'ApplyFailed', message: firstLine(err) });
      }
      throw err;
    }
    if (resource.status?.observedGeneration !== generation) {
      await this.events.record(resource, 'Normal', 'Applied', `applied ${desired.length} objects for generation ${generation}`);
    }

    const deployments: Partial<Record<RoleName, ObservedDeployment>> = {};
    for (const role of ROLE_NAMES) {
      const d = applied.find((o) => o.kind === 'Deployment' && o.metadata?.name === `${name}-${role}`);
      if (d) deployments[role] = observe(d);
    }
    const ready = await this.writeStatus(resource, deployments, undefined, {
      upload: serviceUrl(input, 'upload'),
      origin: serviceUrl(input, 'origin'),
      ...(parsed.spec.publicBaseUrl ? { public: parsed.spec.publicBaseUrl } : {}),
    });
    log.debug({ generation, objects: desired.length, ready }, 'reconciled');
    return ready ? {} : { requeueAfterMs: NOT_READY_RESYNC_MS };
  }

  private async prune(resource: ImageService, desired: KubeObject[], log: Logger): Promise<void> {
    const { namespace = 'default', name, uid = '' } = resource.metadata;
    for (const ref of OWNED_KINDS) {
      const live = this.owned(ref.kind, namespace, name).map((o) => ({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        name: o.metadata?.name ?? '',
        ownerUids: (o.metadata?.ownerReferences ?? []).filter((r) => r.controller).map((r) => r.uid),
      }));
      for (const gone of objectsToPrune(desired, live, uid)) {
        log.info({ kind: gone.kind, name: gone.name }, 'pruning an object no longer desired');
        await this.client.delete(gone, namespace, gone.name);
        this.metrics.pruned(gone.kind);
        await this.events.record(resource, 'Normal', 'Pruned', `deleted ${gone.kind} ${gone.name}: no longer desired`);
      }
    }
  }

  /** One ImageService's objects of a kind, from the cache: no LIST per reconcile. */
  private owned(kind: string, namespace: string, name: string): KubernetesObject[] {
    return this.cache.objects(kind).filter((o) => o.metadata?.namespace === namespace && o.metadata?.labels?.[INSTANCE_LABEL] === name && o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
  }

  private async writeStatus(resource: ImageService, deployments: Partial<Record<RoleName, ObservedDeployment>>, problem?: Problem, endpoints?: NonNullable<ImageService['status']>['endpoints']): Promise<boolean> {
    const status = computeStatus({
      generation: resource.metadata.generation ?? 0,
      previous: resource.status,
      deployments,
      ...(problem ? { problem } : {}),
      ...(endpoints ? { endpoints } : {}),
      now: this.now(),
    });
    if (statusChanged(resource.status, status)) {
      await this.client.patchStatus(resource.metadata.namespace ?? 'default', resource.metadata.name, status);
    }
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    const before = resource.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && before?.status !== ready.status && !problem) {
      if (ready.status === 'True') await this.events.record(resource, 'Normal', ready.reason, ready.message);
      else if (before?.status === 'True') await this.events.record(resource, 'Warning', ready.reason, ready.message);
    }
    return ready?.status === 'True';
  }
}

function observe(d: KubernetesObject): ObservedDeployment {
  const o = d as KubernetesObject & { spec?: { replicas?: number }; status?: Record<string, unknown> };
  const s = o.status ?? {};
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    generation: o.metadata?.generation ?? 0,
    observedGeneration: n(s.observedGeneration),
    replicas: o.spec?.replicas ?? 1,
    readyReplicas: n(s.readyReplicas),
    updatedReplicas: n(s.updatedReplicas),
    conditions: (s.conditions as ObservedDeployment['conditions'] | undefined) ?? [],
  };
}

function firstLine(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
}

import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * Which watch events are worth a reconcile. Without these filters every status write (the
 * operator's own, the HPA controller's every 15 s, the Deployment controller's) would bring
 * the owner back, and a cluster of ImageServices would reconcile continuously.
 */

/** An ImageService: new, its spec changed (generation), or its deletion began. */
export function imageServiceChanged(previous: KubernetesObject | undefined, current: KubernetesObject): boolean {
  if (!previous) return true;
  return previous.metadata?.generation !== current.metadata?.generation || previous.metadata?.deletionTimestamp !== current.metadata?.deletionTimestamp;
}

/** The Deployment status fields the ImageService status is computed from. */
const READINESS = ['replicas', 'readyReplicas', 'updatedReplicas', 'observedGeneration', 'conditions'] as const;

/**
 * An owned object: deleted, new, or drifted from what was applied (anything but status and
 * bookkeeping metadata changed); for Deployments also a change in readiness, which the owner's
 * status reports.
 */
export function ownedObjectChanged(previous: KubernetesObject | undefined, current: KubernetesObject, deleted: boolean): boolean {
  if (deleted || !previous) return true;
  if (desiredPart(previous) !== desiredPart(current)) return true;
  if (current.kind === 'Deployment') {
    const before = (previous as { status?: Record<string, unknown> }).status ?? {};
    const after = (current as { status?: Record<string, unknown> }).status ?? {};
    return READINESS.some((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  }
  return false;
}

function desiredPart(o: KubernetesObject): string {
  const { status: _status, metadata, ...rest } = o as KubernetesObject & { status?: unknown };
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, creationTimestamp: _c, uid: _u, ...meta } = metadata ?? {};
  return JSON.stringify({ ...rest, metadata: meta });
}

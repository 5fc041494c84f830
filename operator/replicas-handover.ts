import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from '../cdk8s/image-service-chart.js';
import { FIELD_MANAGER, type KubeClient } from './kube-client.js';

export const HANDOVER_MANAGER = `${FIELD_MANAGER}-handover`;

/**
 * Server-side apply removes a field its only owner stops applying, and the API server then
 * defaults a Deployment's replicas to 1: turning autoscaling back on would drop a role to one
 * pod until the HPA reacts. As the Kubernetes docs advise, hand the field over first: another
 * manager applies the live count, so the field survives the operator's apply without it and
 * the HPA takes it from there.
 */
export function needsReplicasHandover(desired: KubeObject, live: KubernetesObject | undefined): boolean {
  if (desired.kind !== 'Deployment' || !live) return false;
  if ((desired.spec as { replicas?: number } | undefined)?.replicas !== undefined) return false;
  return (live.metadata?.managedFields ?? []).some(
    (m) => m.manager === FIELD_MANAGER && m.operation === 'Apply' && (m.fieldsV1 as { 'f:spec'?: { 'f:replicas'?: unknown } } | undefined)?.['f:spec']?.['f:replicas'] !== undefined,
  );
}

export async function handOverReplicas(client: KubeClient, desired: KubeObject, live: KubernetesObject): Promise<void> {
  const replicas = (live as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
  await client.apply(
    { apiVersion: desired.apiVersion, kind: desired.kind, metadata: { name: desired.metadata.name, namespace: desired.metadata.namespace }, spec: { replicas } },
    HANDOVER_MANAGER,
  );
}

import type { KubeObject } from '../cdk8s/image-service-chart.js';

export interface ObjectKey {
  apiVersion: string;
  kind: string;
  name: string;
}

const keyOf = (o: ObjectKey) => `${o.kind}/${o.name}`;

/**
 * Owned objects that are no longer desired (a role's HPA after autoscaling is turned off, the
 * Ingress after it is removed). Only objects this resource controls are candidates, so an
 * object someone else created with the same labels is never deleted.
 */
export function objectsToPrune(desired: KubeObject[], live: (ObjectKey & { ownerUids: string[] })[], ownerUid: string): ObjectKey[] {
  const wanted = new Set(desired.map((o) => keyOf({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name })));
  return live.filter((o) => o.ownerUids.includes(ownerUid) && !wanted.has(keyOf(o))).map(({ apiVersion, kind, name }) => ({ apiVersion, kind, name }));
}

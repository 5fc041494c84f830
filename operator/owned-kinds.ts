/** The kinds an ImageService owns, with what the operator needs to list, watch and delete them. */
export interface KindRef {
  apiVersion: string;
  kind: string;
  plural: string;
}

export const IMAGE_SERVICE_REF: KindRef = { apiVersion: 'imgsvc.io/v1alpha1', kind: 'ImageService', plural: 'imageservices' };

export const OWNED_KINDS: KindRef[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts' },
  { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses' },
];

/** REST path of a collection: `/apis/apps/v1/namespaces/x/deployments`, or cluster-wide without a namespace. */
export function collectionPath(ref: KindRef, namespace?: string): string {
  const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  return `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${ref.plural}`;
}

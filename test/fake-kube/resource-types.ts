import type { Schema } from './crd-validation.js';

/** One served resource, as discovery describes it. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Whether `/status` is a subresource, so spec and status writes are kept apart. */
  statusSubresource: boolean;
  /** Custom resources: the structural schema and printer columns from the CRD. */
  schema?: Schema;
  printerColumns?: { name: string; type: string; jsonPath: string; priority?: number; description?: string }[];
}

export const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const builtin = (group: string, version: string, kind: string, plural: string, namespaced: boolean, statusSubresource: boolean, shortNames?: string[]): ResourceType => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  statusSubresource,
  ...(shortNames ? { shortNames } : {}),
});

/** The built-in kinds the operator, its constructs and kubectl touch. */
export const BUILTIN_TYPES: ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, true, ['ns']),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, false, ['cm']),
  builtin('', 'v1', 'Secret', 'secrets', true, false),
  builtin('', 'v1', 'Service', 'services', true, true, ['svc']),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, false, ['sa']),
  builtin('', 'v1', 'Pod', 'pods', true, true, ['po']),
  builtin('', 'v1', 'Event', 'events', true, false, ['ev']),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, true, ['deploy']),
  builtin('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, true, ['hpa']),
  builtin('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, true, ['pdb']),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, true, ['ing']),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases', true, false),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, true, ['crd', 'crds']),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, false),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false, false),
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true, false),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true, false),
];

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The types a CRD object makes servable (one per served version). */
export function typesFromCrd(crd: { spec: Record<string, unknown> }): ResourceType[] {
  const spec = crd.spec as {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[] };
    versions: { name: string; served: boolean; subresources?: { status?: object }; schema?: { openAPIV3Schema: Schema }; additionalPrinterColumns?: ResourceType['printerColumns'] }[];
  };
  return spec.versions
    .filter((v) => v.served)
    .map((v) => ({
      group: spec.group,
      version: v.name,
      kind: spec.names.kind,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope === 'Namespaced',
      ...(spec.names.shortNames ? { shortNames: spec.names.shortNames } : {}),
      ...(spec.names.categories ? { categories: spec.names.categories } : {}),
      statusSubresource: v.subresources?.status !== undefined,
      ...(v.schema ? { schema: v.schema.openAPIV3Schema } : {}),
      ...(v.additionalPrinterColumns ? { printerColumns: v.additionalPrinterColumns } : {}),
    }));
}

import type { ImageServiceSpec, RoleName } from './image-service-spec.js';
import { API_VERSION, KIND } from './image-service-spec.js';

/** What every builder gets: the resource's identity and its spec with defaults applied. */
export interface BuildInput {
  name: string;
  namespace: string;
  /** Present when the operator builds for a live resource: it becomes the owner reference. */
  uid?: string;
  spec: ImageServiceSpec;
}

export const MANAGED_BY = 'imgsvc-operator';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** Object names: `<name>-<role>` for role objects, `<name>` for shared ones. */
export function objectName(input: BuildInput, role?: RoleName): string {
  return role ? `${input.name}-${role}` : input.name;
}

/** The labels a role's pods are selected by; never change them, selectors are immutable. */
export function selectorLabels(input: BuildInput, role: RoleName): Record<string, string> {
  return { 'app.kubernetes.io/name': 'imgsvc', [INSTANCE_LABEL]: input.name, [COMPONENT_LABEL]: role };
}

export function labels(input: BuildInput, role?: RoleName): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'imgsvc',
    [INSTANCE_LABEL]: input.name,
    ...(role ? { [COMPONENT_LABEL]: role } : {}),
    'app.kubernetes.io/part-of': 'imgsvc',
    [MANAGED_BY_LABEL]: MANAGED_BY,
  };
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }[];
}

/** Metadata for an owned object; the owner reference makes deletion of the ImageService cascade. */
export function metadata(input: BuildInput, name: string, role?: RoleName, annotations?: Record<string, string>): ObjectMeta {
  return {
    name,
    namespace: input.namespace,
    labels: labels(input, role),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    ...(input.uid
      ? { ownerReferences: [{ apiVersion: API_VERSION, kind: KIND, name: input.name, uid: input.uid, controller: true, blockOwnerDeletion: true }] }
      : {}),
  };
}

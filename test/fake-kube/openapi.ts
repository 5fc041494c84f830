import { apiVersionOf, type ResourceType } from './resource-types.js';

/**
 * Just enough OpenAPI v3 for kubectl: its root lists one document per group-version, and each
 * PATCH operation declares the `fieldValidation` parameter and its kind, which is how kubectl
 * learns to leave validation to the server (the real server's answer for every kind).
 */
export function gvPath(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
}

export function openApiRoot(types: Iterable<ResourceType>, revision: string): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const t of types) paths[gvPath(t)] = { serverRelativeURL: `/openapi/v3/${gvPath(t)}?hash=${revision}` };
  return { paths };
}

export function openApiGroupVersion(types: Iterable<ResourceType>, path: string): object | undefined {
  const matching = [...types].filter((t) => gvPath(t) === path);
  if (matching.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const t of matching) {
    const base = `/${gvPath(t)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const parameters = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } }));
    paths[base] = {
      get: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'get', responses: {} },
      patch: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'patch', parameters, responses: {} },
    };
  }
  const schemas: Record<string, object> = {};
  for (const t of matching) {
    schemas[`${t.group || 'core'}.${t.version}.${t.kind}`] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.kind }],
      ...(t.schema ? { properties: (t.schema as { properties?: object }).properties } : {}),
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: `fake-${apiVersionOf(matching[0]!)}` }, paths, components: { schemas } };
}

import { apiVersionOf, VERBS, type ResourceType } from './resource-types.js';

/** Legacy discovery documents: kubectl and client-node fall back to these when aggregated discovery is not offered. */
export function apiVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

export function apiGroupList(types: Iterable<ResourceType>): object {
  const groups = new Map<string, Set<string>>();
  for (const t of types) if (t.group) (groups.get(t.group) ?? groups.set(t.group, new Set()).get(t.group)!).add(t.version);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const list = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: list, preferredVersion: list[0] };
    }),
  };
}

export function apiResourceList(types: Iterable<ResourceType>, group: string, version: string): object | undefined {
  const matching = [...types].filter((t) => t.group === group && t.version === version);
  if (matching.length === 0) return undefined;
  const resources = matching.flatMap((t) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    },
    ...(t.statusSubresource ? [{ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }] : []),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(matching[0]!), resources };
}

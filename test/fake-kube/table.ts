import type { Obj } from './kube-store.js';
import { metaOf } from './kube-store.js';
import type { ResourceType } from './resource-types.js';

/**
 * `kubectl get` asks for a meta.k8s.io Table and prints its cells. Custom resources use the CRD's
 * printer columns; the built-in kinds here get the columns the real server gives them.
 */
type Column = { name: string; type: string; format?: string; description: string; priority: number };

export function toTable(t: ResourceType, items: Obj[], resourceVersion: string, now: Date, includeObject: boolean): object {
  const { columns, cells } = columnsFor(t, now);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns,
    rows: items.map((o) => ({
      cells: cells(o),
      object: includeObject ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

function columnsFor(t: ResourceType, now: Date): { columns: Column[]; cells: (o: Obj) => unknown[] } {
  const col = (name: string, type = 'string', priority = 0): Column => ({ name, type, description: name, priority, ...(name === 'Name' ? { format: 'name' } : {}) });
  const age = (o: Obj) => humanAge(now, metaOf(o).creationTimestamp);
  const get = (o: Obj, path: string) => jsonPath(o, path);
  if (t.printerColumns) {
    const printer = t.printerColumns;
    return {
      columns: [col('Name'), ...printer.map((c) => col(c.name, c.type === 'date' ? 'string' : c.type, c.priority ?? 0))],
      cells: (o) => [metaOf(o).name, ...printer.map((c) => (c.type === 'date' ? humanAge(now, get(o, c.jsonPath) as string | undefined) : (get(o, c.jsonPath) ?? null)))],
    };
  }
  switch (t.kind) {
    case 'Deployment':
      return {
        columns: [col('Name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age')],
        cells: (o) => [metaOf(o).name, `${num(get(o, '.status.readyReplicas'))}/${num(get(o, '.spec.replicas'))}`, num(get(o, '.status.updatedReplicas')), num(get(o, '.status.availableReplicas')), age(o)],
      };
    case 'Service':
      return {
        columns: [col('Name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age')],
        cells: (o) => [metaOf(o).name, get(o, '.spec.type') ?? 'ClusterIP', get(o, '.spec.clusterIP') ?? '<none>', '<none>', ((get(o, '.spec.ports') as { port: number; protocol?: string }[] | undefined) ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','), age(o)],
      };
    case 'HorizontalPodAutoscaler':
      return {
        columns: [col('Name'), col('Reference'), col('Targets'), col('MinPods', 'integer'), col('MaxPods', 'integer'), col('Replicas', 'integer'), col('Age')],
        cells: (o) => [metaOf(o).name, `Deployment/${String(get(o, '.spec.scaleTargetRef.name'))}`, hpaTargets(o), get(o, '.spec.minReplicas') ?? 1, get(o, '.spec.maxReplicas'), num(get(o, '.status.currentReplicas')), age(o)],
      };
    default:
      return { columns: [col('Name'), col('Age')], cells: (o) => [metaOf(o).name, age(o)] };
  }
}

function hpaTargets(o: Obj): string {
  const metrics = (jsonPath(o, '.spec.metrics') ?? []) as { type: string; resource?: { target: { averageUtilization?: number } }; pods?: { target: { averageValue?: string } }; external?: { target: { averageValue?: string } } }[];
  return metrics
    .map((m) => {
      if (m.type === 'Resource') return `cpu: <unknown>/${m.resource?.target.averageUtilization}%`;
      return `<unknown>/${(m.pods ?? m.external)?.target.averageValue}`;
    })
    .join(', ');
}

/** The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[?(@.k=="v")].b`. */
export function jsonPath(obj: unknown, path: string): unknown {
  let nodes: unknown[] = [obj];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_]+)\s*==\s*["']([^"']*)["']\)\]/g;
  for (const m of path.matchAll(re)) {
    nodes = nodes.flatMap((n) => {
      if (m[1] !== undefined) return isRecord(n) && n[m[1]] !== undefined ? [n[m[1]]] : [];
      if (m[2] !== undefined) return Array.isArray(n) && n[Number(m[2])] !== undefined ? [n[Number(m[2])]] : [];
      return Array.isArray(n) ? n.filter((item) => isRecord(item) && String(item[m[3]!]) === m[4]) : [];
    });
  }
  return nodes[0];
}

export function humanAge(now: Date, timestamp: string | undefined): string {
  if (!timestamp) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

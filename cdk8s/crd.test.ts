import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultAndPrune, validate, type Schema } from '../test/fake-kube/crd-validation.js';
import { jsonPath } from '../test/fake-kube/table.js';
import { imageServiceCrd } from './crd.js';
import { crdYaml } from './crd-yaml.js';

const crd = imageServiceCrd() as { spec: { versions: { schema: { openAPIV3Schema: Schema }; additionalPrinterColumns: { jsonPath: string }[] }[] } };
const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
const example = parse(readFileSync(new URL('../examples/imageservice.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const clusterExample = parse(readFileSync(new URL('../examples/imageservice-redis-cluster.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const minimal = { apiVersion: 'imgsvc.io/v1alpha1', kind: 'ImageService', metadata: { name: 'photos' }, spec: { redis: { url: 'redis://r:6379' }, storage: { s3: { bucket: 'images' } } } };

/** What the API server would store for `obj`, or its problems. */
function admit(obj: unknown, old?: unknown): string[] {
  return validate(schema, defaultAndPrune(schema, obj), old === undefined ? undefined : defaultAndPrune(schema, old));
}

function with_(patch: (o: typeof minimal & Record<string, unknown>) => void) {
  const o = structuredClone(minimal) as typeof minimal & Record<string, unknown>;
  patch(o);
  return o;
}

describe('ImageService CRD', () => {
  it('is what `npm run crds` writes (edit the zod schema, then regenerate)', () => {
    expect(readFileSync(new URL('../crds/imageservices.imgsvc.io.yaml', import.meta.url), 'utf8')).toBe(crdYaml());
  });

  it('is a structural schema: every node typed, no additionalProperties beside properties', () => {
    const problems: string[] = [];
    const walk = (node: Schema, path: string) => {
      const typed = typeof node.type === 'string' || node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
      if (!typed) problems.push(`${path}: no type`);
      if (node.properties && node.additionalProperties !== undefined) problems.push(`${path}: properties and additionalProperties`);
      if (node.$ref || node.oneOf || node.allOf) problems.push(`${path}: not structural`);
      for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) walk(v, `${path}.${k}`);
      if (node.items) walk(node.items as Schema, `${path}[]`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties as Schema, `${path}{}`);
    };
    walk(schema, '');
    expect(problems).toEqual([]);
  });

  it('accepts the example and the minimal resource', () => {
    expect(admit(example)).toEqual([]);
    expect(admit(clusterExample)).toEqual([]);
    expect(readFileSync(new URL('../charts/imgsvc-operator/examples/imageservice-redis-cluster.yaml', import.meta.url), 'utf8')).toBe(
      readFileSync(new URL('../examples/imageservice-redis-cluster.yaml', import.meta.url), 'utf8'),
    );
    expect(admit(minimal)).toEqual([]);
    expect(admit(with_((o) => (o.spec.redis = { mode: 'cluster', nodes: ['c-0:6379', 'c-1:6379'], tls: true, passwordSecretRef: { name: 'r' } } as never)))).toEqual([]);
    expect(admit(with_((o) => (o.spec.redis = { mode: 'sentinel', nodes: ['s:26379'], masterName: 'mymaster', database: 1, sentinelPasswordSecretRef: { name: 'r' } } as never)))).toEqual([]);
  });

  it('defaults what is left out, and prunes unknown fields', () => {
    const stored = defaultAndPrune(schema, with_((o) => ((o.spec as Record<string, unknown>).colour = 'blue'))) as { spec: Record<string, { autoscaling?: unknown }> };
    expect(stored.spec).not.toHaveProperty('colour');
    expect(stored.spec.origin!.autoscaling).toEqual({ enabled: true, minReplicas: 2, maxReplicas: 30, metrics: [{ type: 'CPU', target: 70 }, { type: 'InFlightRequests', target: 64 }], scaleDownStabilizationSeconds: 300 });
  });

  it.each([
    ['both a Redis URL and a Secret', with_((o) => Object.assign(o.spec.redis, { urlSecretRef: { name: 'r' } })), 'set exactly one of url or urlSecretRef'],
    ['neither', with_((o) => (o.spec.redis = {} as never)), 'set exactly one of url or urlSecretRef'],
    ['a cluster with a url', with_((o) => Object.assign(o.spec.redis, { mode: 'cluster' })), 'mode sentinel and cluster: set nodes, not url or urlSecretRef'],
    ['a sentinel group without its master name', with_((o) => (o.spec.redis = { mode: 'sentinel', nodes: ['s:26379'] } as never)), 'masterName: required with mode sentinel, and only then'],
    ['a master name on a cluster', with_((o) => (o.spec.redis = { mode: 'cluster', nodes: ['c:6379'], masterName: 'm' } as never)), 'masterName: required with mode sentinel, and only then'],
    ['TLS on a standalone url', with_((o) => Object.assign(o.spec.redis, { tls: true })), 'nodes, tls, username and database: only with mode sentinel or cluster'],
    ['a sentinel password on a cluster', with_((o) => (o.spec.redis = { mode: 'cluster', nodes: ['c:6379'], sentinelPasswordSecretRef: { name: 'r' } } as never)), 'sentinelPasswordSecretRef and database: only with mode sentinel'],
    ['a node without a port', with_((o) => (o.spec.redis = { mode: 'cluster', nodes: ['c'] } as never)), 'spec.redis.nodes[0]'],
    ['min above max', with_((o) => Object.assign(o.spec, { upload: { autoscaling: { minReplicas: 9, maxReplicas: 2 } } })), 'minReplicas must not exceed maxReplicas'],
    ['a CPU target over 100%', with_((o) => Object.assign(o.spec, { origin: { autoscaling: { metrics: [{ type: 'CPU', target: 120 }] } } })), 'a CPU target is a utilisation percentage'],
    ['queue lag for origin', with_((o) => Object.assign(o.spec, { origin: { autoscaling: { metrics: [{ type: 'QueueLag', target: 5 }] } } })), 'must be equal to one of the allowed values'],
    ['a name too long for Service names', with_((o) => (o.metadata.name = 'x'.repeat(46))), 'name must be a DNS-1035 label'],
    ['a bad bucket', with_((o) => (o.spec.storage.s3.bucket = 'Bad_Bucket')), 'must match pattern'],
    ['a bad quantity', with_((o) => Object.assign(o.spec, { upload: { resources: { requests: { cpu: 'lots' } } } })), 'must match pattern'],
  ])('rejects %s', (_name, obj, message) => {
    expect(admit(obj).join('\n')).toContain(message);
  });

  it('keeps the bucket and prefix immutable, and everything else editable', () => {
    const moved = with_((o) => (o.spec.storage.s3.bucket = 'elsewhere'));
    expect(admit(moved, minimal).join()).toContain('bucket is immutable');
    expect(admit(with_((o) => Object.assign(o.spec.storage.s3, { prefix: 'p/' })), minimal).join()).toContain('prefix is immutable');
    expect(admit(with_((o) => Object.assign(o.spec.storage.s3, { region: 'eu-west-1' })), minimal)).toEqual([]);
  });

  it('has printer columns that read a real status', () => {
    const obj = { ...minimal, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'AllRolesReady' }], roles: { upload: { readyReplicas: 2 }, resizer: { readyReplicas: 3 }, origin: { readyReplicas: 4 } } }, metadata: { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z' } };
    const cells = crd.spec.versions[0]!.additionalPrinterColumns.map((c) => jsonPath(obj, c.jsonPath));
    expect(cells).toEqual(['True', 'AllRolesReady', 2, 3, 4, undefined, undefined, '2026-01-01T00:00:00Z']);
  });
});

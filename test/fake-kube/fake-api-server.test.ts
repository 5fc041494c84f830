import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageServiceCrd } from '../../cdk8s/crd.js';
import { FakeApiServer } from './fake-api-server.js';

/** The fake's API semantics, checked over real HTTP, so the operator tests rest on something true. */
let fake: FakeApiServer;
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API objects of every shape in one test

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Body; headers: Headers }> {
  const res = await fetch(`${fake.url}${path}`, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': contentType } }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Body) : {}, headers: res.headers };
}

const CM = '/api/v1/namespaces/default/configmaps';
const ISVC = '/apis/imgsvc.io/v1alpha1/namespaces/default/imageservices';
const spec = { redis: { url: 'redis://r:6379' }, storage: { s3: { bucket: 'images' } } };

/** Reads a watch stream until `count` events or the stream ends. */
async function watchEvents(path: string, count: number, during?: () => Promise<void>): Promise<Body[]> {
  const controller = new AbortController();
  const res = await fetch(`${fake.url}${path}`, { signal: controller.signal });
  const reader = res.body!.getReader();
  const events: Body[] = [];
  let buffer = '';
  const pending = during?.();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += Buffer.from(value).toString('utf8');
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, nl)) as Body);
      buffer = buffer.slice(nl + 1);
    }
  }
  await pending;
  controller.abort();
  return events;
}

beforeAll(async () => {
  fake = await FakeApiServer.start();
  expect((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', imageServiceCrd())).status).toBe(201);
});
afterAll(() => fake.stop());

describe('fake API server', () => {
  it('serves discovery, including resources from CRDs', async () => {
    expect((await call('GET', '/api')).body.versions).toEqual(['v1']);
    const groups = (await call('GET', '/apis')).body.groups.map((g: Body) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'autoscaling', 'policy', 'coordination.k8s.io', 'imgsvc.io']));
    const resources = (await call('GET', '/apis/imgsvc.io/v1alpha1')).body.resources;
    expect(resources.map((r: Body) => r.name)).toEqual(['imageservices', 'imageservices/status']);
    expect(resources[0]).toMatchObject({ kind: 'ImageService', namespaced: true, shortNames: ['imgs'] });
  });

  it('creates with uid, resourceVersion and generation; refuses duplicates and unknown namespaces', async () => {
    const created = await call('POST', CM, { metadata: { name: 'a' }, data: { k: 'v' } });
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'a', namespace: 'default', generation: 1 });
    expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call('POST', CM, { metadata: { name: 'a' } })).body).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    expect((await call('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'a' } })).status).toBe(404);
  });

  it('rejects a write with a stale resourceVersion (optimistic concurrency)', async () => {
    const first = (await call('POST', CM, { metadata: { name: 'occ' }, data: { n: '1' } })).body;
    const second = await call('PUT', `${CM}/occ`, { ...first, data: { n: '2' } });
    expect(second.status).toBe(200);
    expect(Number(second.body.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect((await call('PUT', `${CM}/occ`, { ...first, data: { n: '3' } })).body).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('bumps generation on spec changes only, and keeps status behind its subresource', async () => {
    const isvc = (await call('POST', ISVC, { apiVersion: 'imgsvc.io/v1alpha1', kind: 'ImageService', metadata: { name: 'gen' }, spec, status: { observedGeneration: 9 } })).body;
    expect(isvc.status).toBeUndefined();
    expect(isvc.spec.upload.autoscaling.minReplicas).toBe(2);
    const labelled = await call('PATCH', `${ISVC}/gen`, { metadata: { labels: { a: 'b' } }, status: { observedGeneration: 5 } }, 'application/merge-patch+json');
    expect(labelled.body.metadata.generation).toBe(1);
    expect(labelled.body.status).toBeUndefined();
    const status = await call('PATCH', `${ISVC}/gen/status`, { status: { observedGeneration: 1 }, spec: { image: 'ignored' } }, 'application/merge-patch+json');
    expect(status.body).toMatchObject({ status: { observedGeneration: 1 }, metadata: { generation: 1 } });
    expect(status.body.spec.image).not.toBe('ignored');
    const edited = await call('PATCH', `${ISVC}/gen`, { spec: { image: 'x:1' } }, 'application/merge-patch+json');
    expect(edited.body.metadata.generation).toBe(2);
    expect((await call('PATCH', `${ISVC}/gen`, [{ op: 'replace', path: '/spec/image', value: 'x:2' }], 'application/json-patch+json')).body.spec.image).toBe('x:2');
  });

  it('validates custom resources against the CRD schema and CEL rules, and built-ins against OpenAPI', async () => {
    const bad = await call('POST', ISVC, { metadata: { name: 'bad' }, spec: { ...spec, redis: {} } });
    expect(bad.body).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(bad.body.message).toContain('set exactly one of url or urlSecretRef');
    const deployment = await call('POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 'x' }] }] } } } });
    expect(deployment.body).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('server-side apply: owns fields per manager, conflicts unless forced, removes what a manager stops applying', async () => {
    const apply = (manager: string, body: Body, force = false) => call('PATCH', `${CM}/ssa?fieldManager=${manager}&force=${force}`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, ...body }), 'application/apply-patch+yaml');
    expect((await apply('alice', { data: { a: '1', b: '2' } })).body.data).toEqual({ a: '1', b: '2' });
    const clash = await apply('bob', { data: { a: 'other' } });
    expect(clash.body).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(clash.body.message).toContain('conflict with "alice": .data.a');
    expect((await apply('bob', { data: { a: 'same', c: '3' } }, true)).body.data).toEqual({ a: 'same', b: '2', c: '3' });
    // alice no longer owns a (bob took it), so dropping b from her config removes only b.
    const after = await apply('alice', { data: {} });
    expect(after.body.data).toEqual({ a: 'same', c: '3' });
    expect(after.body.metadata.managedFields.map((m: Body) => `${m.manager}:${m.operation}`)).toEqual(['bob:Apply', 'alice:Apply']);
    // Applying a value another manager already set makes both owners: an ownership-only change is stored.
    const shared = await apply('carol', { data: { c: '3' } });
    expect(shared.body.metadata.managedFields.map((m: Body) => m.manager)).toEqual(['bob', 'alice', 'carol']);
    expect((await apply('bob', { data: { a: 'same' } })).body.data).toEqual({ a: 'same', c: '3' });
  });

  it('filters lists by label selector', async () => {
    for (const [name, labels] of [['l1', { tier: 'web', env: 'prod' }], ['l2', { tier: 'db', env: 'prod' }], ['l3', { tier: 'web' }]] as const) {
      await call('POST', CM, { metadata: { name, labels } });
    }
    const names = async (selector: string) => (await call('GET', `${CM}?labelSelector=${encodeURIComponent(selector)}`)).body.items.map((i: Body) => i.metadata.name);
    expect(await names('tier=web')).toEqual(['l1', 'l3']);
    expect(await names('tier=web,env=prod')).toEqual(['l1']);
    expect(await names('tier in (web,db),env')).toEqual(['l1', 'l2']);
    expect(await names('tier notin (web),tier')).toEqual(['l2']);
    expect(await names('tier,!env')).toEqual(['l3']);
  });

  it('watches from a resourceVersion, in order, with label-filtered DELETED when an object stops matching', async () => {
    const start = (await call('GET', CM)).body.metadata.resourceVersion;
    await call('POST', CM, { metadata: { name: 'w', labels: { watch: 'yes' } } });
    const events = await watchEvents(`${CM}?watch=true&labelSelector=watch%3Dyes&resourceVersion=${start}`, 3, async () => {
      await call('PATCH', `${CM}/w`, { data: { x: '1' } }, 'application/merge-patch+json');
      await call('PATCH', `${CM}/w`, { metadata: { labels: { watch: 'no' } } }, 'application/merge-patch+json');
    });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('answers 410 Gone for a compacted resourceVersion and on an expired open watch', async () => {
    const rv = (await call('GET', CM)).body.metadata.resourceVersion;
    const open = await watchEvents(`${CM}?watch=1&resourceVersion=${rv}`, 2, async () => {
      await call('POST', CM, { metadata: { name: 'before-compaction' } });
      fake.store.expireWatches();
    });
    expect(open.map((e) => e.type)).toEqual(['ADDED', 'ERROR']);
    expect(open[1]).toMatchObject({ object: { code: 410, reason: 'Expired' } });
    // The history before the compaction is gone: watching from there must relist.
    const late = await watchEvents(`${CM}?watch=1&resourceVersion=${rv}`, 1);
    expect(late[0]).toMatchObject({ type: 'ERROR', object: { code: 410 } });
  });

  it('holds deletion for finalizers and cascades to dependents through owner references', async () => {
    const owner = (await call('POST', CM, { metadata: { name: 'owner', finalizers: ['example.com/keep'] } })).body;
    const otherOwner = (await call('POST', CM, { metadata: { name: 'other-owner' } })).body;
    const ref = (o: Body) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid });
    await call('POST', CM, { metadata: { name: 'dependent', ownerReferences: [ref(owner)] } });
    await call('POST', CM, { metadata: { name: 'shared', ownerReferences: [ref(owner), ref(otherOwner)] } });

    const marked = await call('DELETE', `${CM}/owner`);
    expect(marked.body.metadata.deletionTimestamp).toBeDefined();
    expect((await call('GET', `${CM}/dependent`)).status).toBe(200);
    await call('PATCH', `${CM}/owner`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    expect((await call('GET', `${CM}/owner`)).status).toBe(404);
    expect((await call('GET', `${CM}/dependent`)).status).toBe(404);
    expect((await call('GET', `${CM}/shared`)).status).toBe(200);
  });

  it('injects throttling, server errors and dropped connections', async () => {
    fake.injectFault({ method: 'GET', path: /configmaps$/, status: 429 });
    const throttled = await call('GET', CM);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    fake.injectFault({ path: /configmaps$/, status: 500 });
    expect((await call('GET', CM)).body).toMatchObject({ code: 500, reason: 'InternalError' });
    fake.injectFault({ path: /configmaps$/, status: 'drop' });
    await expect(call('GET', CM)).rejects.toThrow();
    expect((await call('GET', CM)).status).toBe(200);
  });

  it('keeps Leases consistent under competing writers', async () => {
    const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
    const lease = (await call('POST', LEASES, { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } })).body;
    const [one, two] = await Promise.all([
      call('PUT', `${LEASES}/l`, { ...lease, spec: { holderIdentity: 'b' } }),
      call('PUT', `${LEASES}/l`, { ...lease, spec: { holderIdentity: 'c' } }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 409]);
  });
});

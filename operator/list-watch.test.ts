import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../services/core/logger.js';
import { FakeApiServer } from '../test/fake-kube/fake-api-server.js';
import { eventually } from '../test/helpers/eventually.js';
import { KubeClient } from './kube-client.js';
import { ListWatcher } from './list-watch.js';

let fake: FakeApiServer;
beforeAll(async () => {
  fake = await FakeApiServer.start();
});
afterAll(() => fake.stop());

const CM = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' };
const configMaps = () => fake.type('', 'configmaps');

function watcher(restarts: string[], seen: Map<string, string>, lists: { count: number }, namespace = 'default') {
  return new ListWatcher(
    KubeClient.fromKubeconfig(fake.kubeconfig()),
    {
      ref: CM,
      namespace,
      labelSelector: 'team=images',
      onObject: (o: KubernetesObject, deleted) => (deleted ? seen.delete(o.metadata!.name!) : seen.set(o.metadata!.name!, JSON.stringify((o as { data?: unknown }).data ?? {}))),
      onList: () => lists.count++,
      onRestart: (reason) => restarts.push(reason),
      baseDelayMs: 20,
      maxDelayMs: 200,
    },
    createLogger('silent'),
  );
}

describe('ListWatcher', () => {
  it('lists, then follows changes from the list version, filtered by label', async () => {
    fake.store.create(configMaps(), 'default', { metadata: { name: 'before', labels: { team: 'images' } } });
    fake.store.create(configMaps(), 'default', { metadata: { name: 'other-team', labels: { team: 'video' } } });
    const seen = new Map<string, string>();
    const lw = watcher([], seen, { count: 0 });
    lw.start();
    await lw.hasSynced;
    expect([...seen.keys()]).toEqual(['before']);
    fake.store.create(configMaps(), 'default', { metadata: { name: 'after', labels: { team: 'images' } }, data: { v: '1' } });
    fake.store.delete(configMaps(), 'default', 'before');
    await eventually(() => expect([...seen.entries()]).toEqual([['after', '{"v":"1"}']]));
    lw.stop();
  });

  it('relists when the watch history has expired (410 Gone), missing nothing', async () => {
    const seen = new Map<string, string>();
    const restarts: string[] = [];
    const lists = { count: 0 };
    const lw = watcher(restarts, seen, lists);
    const requestsBefore = fake.requests.length;
    lw.start();
    await lw.hasSynced;
    await eventually(() => expect(fake.requests.slice(requestsBefore).some((r) => r.query.includes('watch=true'))).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    fake.store.expireWatches();
    fake.store.create(configMaps(), 'default', { metadata: { name: 'during-relist', labels: { team: 'images' } } });
    await eventually(() => expect(seen.has('during-relist')).toBe(true));
    expect(restarts).toContain('gone');
    expect(lists.count).toBe(2);
    lw.stop();
  });

  it('reconnects with backoff after dropped connections and failing lists', async () => {
    const seen = new Map<string, string>();
    const restarts: string[] = [];
    // A namespace of its own: a request still in flight from an earlier test's watcher must not
    // take one of the injected faults (it did, now and then, under load).
    fake.store.create(fake.type('', 'namespaces'), undefined, { metadata: { name: 'backoff' } });
    const lw = watcher(restarts, seen, { count: 0 }, 'backoff');
    fake.injectFault({ method: 'GET', path: /\/namespaces\/backoff\/configmaps$/, status: 500, times: 3 });
    lw.start();
    await lw.hasSynced;
    expect(restarts.filter((r) => r === 'error')).toHaveLength(3);
    fake.dropConnections();
    await new Promise((r) => setTimeout(r, 50));
    fake.store.create(configMaps(), 'backoff', { metadata: { name: 'after-drop', labels: { team: 'images' } } });
    await eventually(() => expect(seen.has('after-drop')).toBe(true));
    lw.stop();
  });
});

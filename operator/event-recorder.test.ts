import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../services/core/logger.js';
import { FakeApiServer } from '../test/fake-kube/fake-api-server.js';
import { EventRecorder } from './event-recorder.js';
import { KubeClient } from './kube-client.js';

let fake: FakeApiServer;
beforeAll(async () => {
  fake = await FakeApiServer.start();
});
afterAll(() => fake.stop());

const subject = { apiVersion: 'imgsvc.io/v1alpha1', kind: 'ImageService', metadata: { name: 'photos', namespace: 'default', uid: 'u-1' } };
const events = () => fake.store.list(fake.type('', 'events'), 'default', () => true) as unknown as { reason: string; type: string; count: number; involvedObject: { uid: string }; reportingInstance: string }[];

describe('EventRecorder', () => {
  it('records events about the resource and folds repeats into a count', async () => {
    let now = new Date('2026-11-22T10:00:00Z');
    const recorder = new EventRecorder(KubeClient.fromKubeconfig(fake.kubeconfig()), 'op-1', createLogger('silent'), () => now);
    await recorder.record(subject, 'Warning', 'InvalidSpec', 'spec.redis: bad');
    await recorder.record(subject, 'Warning', 'InvalidSpec', 'spec.redis: bad');
    await recorder.record(subject, 'Normal', 'Pruned', 'deleted Ingress photos');
    const seen = events().map((e) => [e.type, e.reason, e.count, e.involvedObject.uid, e.reportingInstance]);
    expect(seen.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['Warning', 'InvalidSpec', 2, 'u-1', 'op-1'],
      ['Normal', 'Pruned', 1, 'u-1', 'op-1'],
    ]);
    now = new Date('2026-11-22T10:30:00Z');
    await recorder.record(subject, 'Warning', 'InvalidSpec', 'spec.redis: bad');
    expect(events().filter((e) => e.reason === 'InvalidSpec')).toHaveLength(2);
  });

  it('never throws: an API that refuses events only costs a log line', async () => {
    const recorder = new EventRecorder(KubeClient.fromKubeconfig(fake.kubeconfig()), 'op-1', createLogger('silent'));
    fake.injectFault({ path: /events$/, status: 500 });
    await expect(recorder.record(subject, 'Normal', 'Applied', 'x')).resolves.toBeUndefined();
  });
});

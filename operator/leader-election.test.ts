import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../services/core/logger.js';
import { FakeApiServer } from '../test/fake-kube/fake-api-server.js';
import { eventually } from '../test/helpers/eventually.js';
import { KubeClient } from './kube-client.js';
import { LeaderElector } from './leader-election.js';

let fake: FakeApiServer;
beforeAll(async () => {
  fake = await FakeApiServer.start();
});
afterAll(() => fake.stop());

const options = (identity: string, name: string) => ({ namespace: 'default', name, identity, leaseDurationSeconds: 1, renewDeadlineSeconds: 0.7, retryPeriodSeconds: 0.1 });

function candidates(name: string, n: number) {
  const events: string[] = [];
  const electors = Array.from({ length: n }, (_, i) => {
    const id = `c${i}`;
    return new LeaderElector(KubeClient.fromKubeconfig(fake.kubeconfig()), options(id, name), { onStartedLeading: () => events.push(`+${id}`), onStoppedLeading: () => events.push(`-${id}`) }, createLogger('silent'));
  });
  return { electors, events };
}

/** Samples the electors while `during` runs and returns the most that believed they led at once. */
async function maxLeaders(electors: LeaderElector[], during: () => Promise<void>): Promise<number> {
  let max = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      max = Math.max(max, electors.filter((e) => e.isLeader).length);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await during();
  sampling = false;
  await sampler;
  return max;
}

describe('LeaderElector', () => {
  it('elects exactly one of three, and hands over on a clean stop', async () => {
    const { electors, events } = candidates('three', 3);
    const most = await maxLeaders(electors, async () => {
      for (const e of electors) e.start();
      await eventually(() => expect(electors.filter((e) => e.isLeader)).toHaveLength(1));
      await new Promise((r) => setTimeout(r, 500));
      const leader = electors.find((e) => e.isLeader)!;
      await leader.stop();
      await eventually(() => expect(electors.filter((e) => e !== leader && e.isLeader)).toHaveLength(1), 3_000);
    });
    expect(most).toBe(1);
    // Under load a leader may lapse and win the lease back; the invariant is never two at once.
    expect(events.filter((e) => e.startsWith('+')).length).toBeGreaterThanOrEqual(2);
    for (const e of electors) await e.stop();
  });

  it('takes over from a crashed leader only after the lease has gone unrenewed for its duration', async () => {
    const { electors } = candidates('crash', 2);
    const [a, b] = electors as [LeaderElector, LeaderElector];
    a.start();
    await eventually(() => expect(a.isLeader).toBe(true));
    b.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.isLeader).toBe(false);
    const crashedAt = Date.now();
    await a.stop(false);
    await eventually(() => expect(b.isLeader).toBe(true), 5_000, 10);
    // b must have seen the record unchanged for a whole lease duration (1 s) by its own clock.
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(900);
    await b.stop();
  });

  it('steps down when it cannot renew before its deadline, before anyone else may lead', async () => {
    const { electors, events } = candidates('partition', 1);
    const [a] = electors as [LeaderElector];
    a.start();
    await eventually(() => expect(a.isLeader).toBe(true));
    fake.injectFault({ path: /leases\/partition$/, status: 500, times: 1_000 });
    await eventually(() => expect(a.isLeader).toBe(false), 3_000);
    await eventually(() => expect(events).toEqual(['+c0', '-c0']), 3_000);
    fake.injectFault({ path: /leases\/partition$/, status: 500, times: 0 });
    await a.stop();
  });
});

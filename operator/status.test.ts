import { describe, expect, it } from 'vitest';
import { computeStatus, statusChanged, type ObservedDeployment } from './status.js';

const now = new Date('2026-11-22T10:00:00Z');
const later = new Date('2026-11-22T10:05:00Z');

function d(overrides: Partial<ObservedDeployment> = {}): ObservedDeployment {
  return { generation: 1, observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, conditions: [], ...overrides };
}
const all = (x: ObservedDeployment) => ({ upload: x, resizer: x, origin: x });
const conditions = (s: ReturnType<typeof computeStatus>) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}`]));

describe('computeStatus', () => {
  it.each([
    ['every role ready', all(d()), undefined, { Ready: 'True AllRolesReady', Progressing: 'False ReconcileComplete', Degraded: 'False AsExpected' }],
    ['pods still starting', all(d({ readyReplicas: 1 })), undefined, { Ready: 'False RolesNotReady', Progressing: 'True ScalingUp', Degraded: 'False AsExpected' }],
    ['a rollout of a new generation', all(d({ generation: 2, observedGeneration: 1 })), undefined, { Ready: 'False RollingOut', Progressing: 'True RollingOut', Degraded: 'False AsExpected' }],
    ['a Deployment past its progress deadline', { ...all(d()), origin: d({ readyReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }) }, undefined, { Ready: 'False RolesNotReady', Progressing: 'True ScalingUp', Degraded: 'True DeploymentFailing' }],
    ['an invalid spec', {}, { reason: 'InvalidSpec' as const, message: 'spec.redis: bad' }, { Ready: 'False InvalidSpec', Progressing: 'False Blocked', Degraded: 'True InvalidSpec' }],
    ['no Deployments yet', {}, undefined, { Ready: 'False RolesNotReady', Progressing: 'True ScalingUp', Degraded: 'False AsExpected' }],
  ])('%s', (_name, deployments, problem, expected) => {
    const status = computeStatus({ generation: 3, previous: undefined, deployments, ...(problem ? { problem } : {}), now });
    expect(conditions(status)).toEqual(expected);
    expect(status.observedGeneration).toBe(3);
    expect(status.conditions!.every((c) => c.observedGeneration === 3)).toBe(true);
  });

  it('reports per-role replicas and a message naming the roles that are not ready', () => {
    const status = computeStatus({ generation: 1, previous: undefined, deployments: { ...all(d()), resizer: d({ replicas: 5, readyReplicas: 3 }) }, now });
    expect(status.roles).toEqual({ upload: { desiredReplicas: 2, readyReplicas: 2, updatedReplicas: 2 }, resizer: { desiredReplicas: 5, readyReplicas: 3, updatedReplicas: 2 }, origin: { desiredReplicas: 2, readyReplicas: 2, updatedReplicas: 2 } });
    expect(status.conditions!.find((c) => c.type === 'Ready')!.message).toBe('resizer: 3/5 ready');
  });

  it('keeps a condition transition time while its status holds, and moves it when it flips', () => {
    const first = computeStatus({ generation: 1, previous: undefined, deployments: all(d()), now });
    const same = computeStatus({ generation: 2, previous: first, deployments: all(d()), now: later });
    expect(same.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('2026-11-22T10:00:00Z');
    const flipped = computeStatus({ generation: 2, previous: first, deployments: all(d({ readyReplicas: 0 })), now: later });
    expect(flipped.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('2026-11-22T10:05:00Z');
  });

  it('needs no write when nothing changed, whatever the key order', () => {
    const s = computeStatus({ generation: 1, previous: undefined, deployments: all(d()), now });
    const reordered = JSON.parse(JSON.stringify({ roles: s.roles, conditions: s.conditions, observedGeneration: s.observedGeneration })) as typeof s;
    expect(statusChanged(reordered, s)).toBe(false);
    expect(statusChanged(undefined, s)).toBe(true);
  });
});

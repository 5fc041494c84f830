import type { Condition, ImageServiceStatus, RoleName, RoleStatus } from '../cdk8s/image-service-spec.js';
import { ROLE_NAMES } from '../cdk8s/image-service-spec.js';

/** What the operator saw of one role's Deployment. */
export interface ObservedDeployment {
  generation: number;
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  /** The Deployment's own conditions: ProgressDeadlineExceeded and ReplicaFailure mean trouble. */
  conditions: { type: string; status: string; reason?: string; message?: string }[];
}

export type Problem = { reason: 'InvalidSpec' | 'ApplyFailed'; message: string };

export interface StatusInput {
  generation: number;
  previous: ImageServiceStatus | undefined;
  deployments: Partial<Record<RoleName, ObservedDeployment>>;
  problem?: Problem;
  endpoints?: ImageServiceStatus['endpoints'];
  now: Date;
}

/**
 * The ImageService status: Ready when every role has all its pods ready on the current
 * generation; Progressing while a rollout or scale is under way; Degraded when the spec is
 * invalid, an apply failed, or a Deployment reports it cannot progress. Each condition carries
 * the generation it was computed for, and keeps its transition time while its status holds.
 */
export function computeStatus(input: StatusInput): ImageServiceStatus {
  const roles: Partial<Record<RoleName, RoleStatus>> = {};
  const notReady: string[] = [];
  const rolling: string[] = [];
  const failing: string[] = [];
  for (const role of ROLE_NAMES) {
    const d = input.deployments[role];
    if (!d) {
      notReady.push(`${role}: no Deployment yet`);
      continue;
    }
    roles[role] = { desiredReplicas: d.replicas, readyReplicas: d.readyReplicas, updatedReplicas: d.updatedReplicas };
    if (d.observedGeneration < d.generation || d.updatedReplicas < d.replicas) rolling.push(`${role} rolling out (${d.updatedReplicas}/${d.replicas} updated)`);
    if (d.readyReplicas < d.replicas) notReady.push(`${role}: ${d.readyReplicas}/${d.replicas} ready`);
    for (const c of d.conditions) {
      if ((c.type === 'Progressing' && c.status === 'False') || (c.type === 'ReplicaFailure' && c.status === 'True')) {
        failing.push(`${role}: ${c.reason ?? c.type}${c.message ? ` (${c.message})` : ''}`);
      }
    }
  }

  const problem = input.problem;
  const ready = !problem && notReady.length === 0 && rolling.length === 0;
  const conditions = [
    ready
      ? cond('Ready', 'True', 'AllRolesReady', 'every role has all its pods ready')
      : cond('Ready', 'False', problem?.reason ?? (notReady.length > 0 ? 'RolesNotReady' : 'RollingOut'), problem?.message ?? (notReady.length > 0 ? notReady : rolling).join('; ')),
    rolling.length > 0 || (notReady.length > 0 && !problem)
      ? cond('Progressing', 'True', rolling.length > 0 ? 'RollingOut' : 'ScalingUp', (rolling.length > 0 ? rolling : notReady).join('; '))
      : cond('Progressing', 'False', problem ? 'Blocked' : 'ReconcileComplete', problem ? 'waiting for the problem to be fixed' : 'desired state reached'),
    problem
      ? cond('Degraded', 'True', problem.reason, problem.message)
      : failing.length > 0
        ? cond('Degraded', 'True', 'DeploymentFailing', failing.join('; '))
        : cond('Degraded', 'False', 'AsExpected', 'no problems'),
  ];

  function cond(type: string, status: Condition['status'], reason: string, message: string): Condition {
    const before = input.previous?.conditions?.find((c) => c.type === type);
    const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : input.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { type, status, reason, message: message.slice(0, 1024), observedGeneration: input.generation, lastTransitionTime };
  }

  return {
    observedGeneration: input.generation,
    conditions,
    ...(Object.keys(roles).length > 0 ? { roles } : {}),
    ...(input.endpoints ? { endpoints: input.endpoints } : {}),
  };
}

/** Whether a write is needed: status equal but for nothing is not worth a resourceVersion bump. */
export function statusChanged(before: ImageServiceStatus | undefined, after: ImageServiceStatus): boolean {
  return stable(before ?? {}) !== stable(after);
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { metadata, objectName, selectorLabels, type BuildInput } from './build-input.js';
import type { RoleName } from './image-service-spec.js';

/**
 * Voluntary disruptions (drains, upgrades) take serving pods one at a time; resizer jobs are
 * reclaimed by other workers, so half of them may go at once.
 */
export function pdb(input: BuildInput, role: RoleName): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(input, objectName(input, role), role),
    spec: {
      maxUnavailable: role === 'resizer' ? '50%' : 1,
      selector: { matchLabels: selectorLabels(input, role) },
      // Pods that never became ready can always be evicted, or a bad rollout would block drains.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}

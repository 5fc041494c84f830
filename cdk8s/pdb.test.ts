import { describe, expect, it } from 'vitest';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { deployment } from './deployment.js';
import { inputFor } from './fixtures.test-support.js';
import { ROLE_NAMES } from './image-service-spec.js';
import { pdb } from './pdb.js';

describe('pdb', () => {
  it.each(ROLE_NAMES)('protects the %s pods, valid against the Kubernetes schema', async (role) => {
    const input = inputFor();
    const budget = pdb(input, role);
    expect(await validateObject(budget)).toEqual([]);
    expect(budget.spec!.selector!.matchLabels).toEqual(deployment(input, role).spec!.selector.matchLabels);
    expect(budget.spec!.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  it('lets serving roles lose one pod at a time and the resizer half', () => {
    expect(pdb(inputFor(), 'origin').spec!.maxUnavailable).toBe(1);
    expect(pdb(inputFor(), 'upload').spec!.maxUnavailable).toBe(1);
    expect(pdb(inputFor(), 'resizer').spec!.maxUnavailable).toBe('50%');
  });
});

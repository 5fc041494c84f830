import { describe, expect, it } from 'vitest';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { deployment } from './deployment.js';
import { inputFor } from './fixtures.test-support.js';
import { serviceAccount } from './service-account.js';

describe('serviceAccount', () => {
  it('is the pods identity, with no API token and the pod-identity annotations', async () => {
    const input = inputFor({ serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/imgsvc' } } });
    const sa = serviceAccount(input);
    expect(await validateObject(sa)).toEqual([]);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata!.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/imgsvc' });
    expect(deployment(input, 'upload').spec!.template.spec!.serviceAccountName).toBe(sa.metadata!.name);
    expect(serviceAccount(inputFor()).metadata).not.toHaveProperty('annotations');
  });
});

import { describe, expect, it } from 'vitest';
import { findClusterSource, SERVICE_ACCOUNT_TOKEN } from './cluster-source.js';

describe('findClusterSource', () => {
  const none = () => false;
  it.each([
    ['KUBECONFIG wins', { KUBECONFIG: '/etc/kube/a:/etc/kube/b', HOME: '/home/u' }, () => true, { kind: 'kubeconfig', path: '/etc/kube/a' }],
    ['~/.kube/config next', { HOME: '/home/u' }, (p: string) => p === '/home/u/.kube/config', { kind: 'kubeconfig', path: '/home/u/.kube/config' }],
    ['the service account in a pod', { HOME: '/home/u' }, (p: string) => p === SERVICE_ACCOUNT_TOKEN, { kind: 'in-cluster' }],
  ])('%s', (_name, env, exists, expected) => expect(findClusterSource(env, exists)).toEqual(expected));

  it('says how to point it at a cluster when there is none', () => {
    const found = findClusterSource({}, none);
    expect(found.kind).toBe('none');
    expect(found.kind === 'none' && found.message).toMatch(/no Kubernetes cluster is configured.*KUBECONFIG.*in-cluster/);
  });
});

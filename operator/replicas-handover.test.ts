import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cdk8s/image-service-chart.js';
import { needsReplicasHandover } from './replicas-handover.js';

const desired = (replicas?: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'p-resizer' }, spec: replicas === undefined ? {} : { replicas } });
const live = (owners: [string, string, boolean][]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'p-resizer', managedFields: owners.map(([manager, operation, replicas]) => ({ manager, operation, fieldsV1: { 'f:spec': replicas ? { 'f:replicas': {} } : { 'f:template': {} } } })) },
});

describe('needsReplicasHandover', () => {
  it.each([
    ['the operator owned replicas and stops applying them', desired(), live([['imgsvc-operator', 'Apply', true]]), true],
    ['the operator still applies replicas', desired(3), live([['imgsvc-operator', 'Apply', true]]), false],
    ['replicas were never the operator’s (HPA from the start)', desired(), live([['imgsvc-operator', 'Apply', false], ['kube-controller-manager', 'Update', true]]), false],
    ['the Deployment does not exist yet', desired(), undefined, false],
  ])('%s: %s', (_name, want, have, expected) => {
    expect(needsReplicasHandover(want, have as never)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cdk8s/image-service-chart.js';
import { objectsToPrune } from './prune.js';

const obj = (kind: string, name: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name } });
const live = (kind: string, name: string, ownerUids = ['me']) => ({ apiVersion: 'v1', kind, name, ownerUids });

describe('objectsToPrune', () => {
  it('deletes owned objects that are no longer desired, by kind and name', () => {
    const desired = [obj('Deployment', 'p-upload'), obj('Service', 'p-upload')];
    expect(objectsToPrune(desired, [live('Deployment', 'p-upload'), live('Service', 'p-upload'), live('HorizontalPodAutoscaler', 'p-upload'), live('Ingress', 'p')], 'me')).toEqual([
      { apiVersion: 'v1', kind: 'HorizontalPodAutoscaler', name: 'p-upload' },
      { apiVersion: 'v1', kind: 'Ingress', name: 'p' },
    ]);
  });

  it('never touches objects another owner controls or nobody does', () => {
    expect(objectsToPrune([], [live('Service', 'x', ['someone-else']), live('ConfigMap', 'y', [])], 'me')).toEqual([]);
  });
});

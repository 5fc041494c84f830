import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { imageServiceChanged, ownedObjectChanged } from './change-filter.js';

const isvc = (generation: number, extra: object = {}): KubernetesObject => ({ apiVersion: 'imgsvc.io/v1alpha1', kind: 'ImageService', metadata: { name: 'p', generation, resourceVersion: String(generation * 10), ...extra } });
const obj = (kind: string, spec: object, status: object = {}, rv = '1'): KubernetesObject => ({ apiVersion: 'v1', kind, metadata: { name: 'p', resourceVersion: rv, managedFields: [{ manager: rv }] }, spec, status } as KubernetesObject);

describe('imageServiceChanged', () => {
  it.each([
    ['first sight', undefined, isvc(1), true],
    ['a spec change (generation)', isvc(1), isvc(2), true],
    ['deletion begins', isvc(1), isvc(1, { deletionTimestamp: '2026-11-22T10:00:00Z' }), true],
    ['a status write (same generation)', isvc(1), { ...isvc(1), metadata: { ...isvc(1).metadata, resourceVersion: '99' } }, false],
  ])('%s → %s', (_name, previous, current, expected) => {
    expect(imageServiceChanged(previous, current)).toBe(expected);
  });
});

describe('ownedObjectChanged', () => {
  it.each([
    ['deleted', obj('Service', { a: 1 }), obj('Service', { a: 1 }), true, true],
    ['first sight', undefined, obj('Service', { a: 1 }), false, true],
    ['spec drift (someone edited it)', obj('Service', { a: 1 }), obj('Service', { a: 2 }, {}, '2'), false, true],
    ['label drift', obj('Service', { a: 1 }), { ...obj('Service', { a: 1 }), metadata: { name: 'p', labels: { x: 'y' } } }, false, true],
    ['an HPA status update every 15 s', obj('HorizontalPodAutoscaler', { a: 1 }, { currentReplicas: 2 }), obj('HorizontalPodAutoscaler', { a: 1 }, { currentReplicas: 3 }, '2'), false, false],
    ['only bookkeeping (resourceVersion, managedFields)', obj('ConfigMap', { a: 1 }), obj('ConfigMap', { a: 1 }, {}, '7'), false, false],
    ['a Deployment becoming ready', obj('Deployment', { a: 1 }, { readyReplicas: 1 }), obj('Deployment', { a: 1 }, { readyReplicas: 2 }, '2'), false, true],
    ['a Deployment status field nobody reads', obj('Deployment', { a: 1 }, { collisionCount: 0 }), obj('Deployment', { a: 1 }, { collisionCount: 1 }, '2'), false, false],
  ])('%s → %s', (_name, previous, current, deleted, expected) => {
    expect(ownedObjectChanged(previous, current, deleted)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { inputFor } from './fixtures.test-support.js';
import { ingress } from './ingress.js';

describe('ingress', () => {
  it('is only made when asked for', () => {
    expect(ingress(inputFor())).toBeUndefined();
  });

  it('sends uploads to the upload role and everything else to origin', async () => {
    const ing = ingress(inputFor({ ingress: { host: 'img.example.com', className: 'nginx', tlsSecretName: 'tls', annotations: { a: 'b' } } }))!;
    expect(await validateObject(ing)).toEqual([]);
    expect(ing.spec!.ingressClassName).toBe('nginx');
    expect(ing.spec!.tls).toEqual([{ hosts: ['img.example.com'], secretName: 'tls' }]);
    expect(ing.metadata!.annotations).toEqual({ a: 'b' });
    const routes = ing.spec!.rules![0]!.http!.paths.map((p) => [p.path, p.pathType, p.backend.service!.name]);
    expect(routes).toEqual([
      ['/v1/images', 'Exact', 'photos-upload'],
      ['/v1/images/sha256', 'Prefix', 'photos-upload'],
      ['/', 'Prefix', 'photos-origin'],
    ]);
  });
});

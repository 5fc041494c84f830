import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IHTTPIngressPath } from 'kubernetes-models/networking.k8s.io/v1/HTTPIngressPath';
import { metadata, objectName, type BuildInput } from './build-input.js';
import type { RoleName } from './image-service-spec.js';
import { SERVICE_PORT } from './service.js';

/**
 * Uploads (POST /v1/images, the sha256 lookups) go to the upload role; everything else — images,
 * records, analytics, downloads — to origin. Ingress routes by path only, and both roles answer
 * GET /v1/images/<id>, so the split needs no method matching.
 */
export function ingress(input: BuildInput): IIngress | undefined {
  const spec = input.spec.ingress;
  if (!spec) return undefined;
  const to = (path: string, pathType: 'Exact' | 'Prefix', role: RoleName): IHTTPIngressPath => ({
    path,
    pathType,
    backend: { service: { name: objectName(input, role), port: { number: SERVICE_PORT } } },
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: metadata(input, objectName(input), undefined, spec.annotations),
    spec: {
      ...(spec.className ? { ingressClassName: spec.className } : {}),
      ...(spec.tlsSecretName ? { tls: [{ hosts: [spec.host], secretName: spec.tlsSecretName }] } : {}),
      rules: [
        {
          host: spec.host,
          http: {
            paths: [to('/v1/images', 'Exact', 'upload'), to('/v1/images/sha256', 'Prefix', 'upload'), to('/', 'Prefix', 'origin')],
          },
        },
      ],
    },
  };
}

import type { IService } from 'kubernetes-models/v1/Service';
import { metadata, objectName, selectorLabels, type BuildInput } from './build-input.js';
import type { RoleName } from './image-service-spec.js';

export const SERVICE_PORT = 80;

/** A ClusterIP Service per role: upload and origin take traffic, the resizer's is for scraping. */
export function service(input: BuildInput, role: RoleName): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(input, objectName(input, role), role),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(input, role),
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** The in-cluster URL of a role's Service, reported in the ImageService status. */
export function serviceUrl(input: BuildInput, role: RoleName): string {
  return `http://${objectName(input, role)}.${input.namespace}.svc:${SERVICE_PORT}`;
}

import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { metadata, objectName, type BuildInput } from './build-input.js';

/** The pods' identity: no API token (the service never calls Kubernetes), annotations for cloud pod identity. */
export function serviceAccount(input: BuildInput): IServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadata(input, objectName(input), undefined, input.spec.serviceAccount?.annotations),
    automountServiceAccountToken: false,
  };
}

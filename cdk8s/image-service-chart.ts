import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { BuildInput } from './build-input.js';
import { configMap } from './config-map.js';
import { deployment } from './deployment.js';
import { hpa } from './hpa.js';
import { ROLE_NAMES } from './image-service-spec.js';
import { ingress } from './ingress.js';
import { pdb } from './pdb.js';
import { service } from './service.js';
import { serviceAccount } from './service-account.js';

/** An object as it is sent to the API server. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Every object one ImageService becomes, in apply order (ConfigMap and ServiceAccount before the pods that use them). */
export function buildObjects(input: BuildInput): KubeObject[] {
  const objects: (object | undefined)[] = [configMap(input), serviceAccount(input)];
  for (const role of ROLE_NAMES) {
    objects.push(deployment(input, role), service(input, role), pdb(input, role), hpa(input, role));
  }
  objects.push(ingress(input));
  return objects.filter((o): o is KubeObject => o !== undefined);
}

/** The cdk8s construct: one chart per ImageService, synthesizable offline (`npm run synth`). */
export class ImageServiceChart extends Chart {
  constructor(scope: Construct, id: string, input: BuildInput) {
    super(scope, id, { namespace: input.namespace, disableResourceNameHashes: true });
    for (const object of buildObjects(input)) {
      new ApiObject(this, `${object.kind}-${object.metadata.name}`, object);
    }
  }
}

/** The desired objects for the operator: synthesized through cdk8s, so the operator and `npm run synth` never differ. */
export function desiredObjects(input: BuildInput): KubeObject[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new ImageServiceChart(app, input.name, input);
  return chart.toJson() as KubeObject[];
}

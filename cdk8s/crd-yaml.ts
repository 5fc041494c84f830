import { Yaml } from 'cdk8s';
import { imageServiceCrd } from './crd.js';

const HEADER = '# Generated from cdk8s/image-service-spec.ts by `npm run crds`. Do not edit: edit the schema.\n';

export function crdYaml(): string {
  return HEADER + Yaml.stringify(imageServiceCrd());
}

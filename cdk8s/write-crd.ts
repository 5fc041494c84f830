/**
 * `npm run crds`: writes the CRD derived from the zod schema to crds/ and to the Helm chart's
 * crds/; crd.test.ts and the chart test fail when either file drifts.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crdYaml } from './crd-yaml.js';

export const CRD_FILES = ['../crds/imageservices.imgsvc.io.yaml', '../charts/imgsvc-operator/crds/imageservices.imgsvc.io.yaml'];

for (const file of CRD_FILES) {
  const target = fileURLToPath(new URL(file, import.meta.url));
  writeFileSync(target, crdYaml());
  process.stdout.write(`wrote ${target}\n`);
}

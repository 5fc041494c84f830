/** `npm run crds`: writes the CRD derived from the zod schema; crd.test.ts fails when the file drifts. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crdYaml } from './crd-yaml.js';

const target = fileURLToPath(new URL('../crds/imageservices.imgsvc.io.yaml', import.meta.url));
writeFileSync(target, crdYaml());
process.stdout.write(`wrote ${target}\n`);

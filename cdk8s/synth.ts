/**
 * `npm run synth [-- <imageservice.yaml> [namespace]]`: the manifests the operator would apply for
 * a resource, written to dist/manifests/<name>.k8s.yaml, for people who deploy without the
 * operator (kubectl apply, GitOps). Owner references are left out: nothing owns them.
 */
import { resolve } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { ImageServiceChart } from './image-service-chart.js';
import { parseSpec } from './parse-spec.js';

const file = resolve(process.argv[2] ?? 'examples/imageservice.yaml');
const docs = Yaml.load(file) as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: unknown }[];
const resource = docs.find((d) => d?.kind === 'ImageService');
if (!resource?.metadata?.name) {
  process.stderr.write(`synth: no ImageService with a name in ${file}\n`);
  process.exit(1);
}
const name = resource.metadata.name;
const namespace = process.argv[3] ?? resource.metadata.namespace ?? 'default';
const parsed = parseSpec(resource.spec, { name, namespace });
if (!parsed.ok) {
  process.stderr.write(`synth: ${file} is not a valid ImageService:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
const app = new App({ outdir: resolve('dist/manifests'), outputFileExtension: '.k8s.yaml' });
new ImageServiceChart(app, name, { name, namespace, spec: parsed.spec });
app.synth();
process.stdout.write(`wrote dist/manifests/${name}.k8s.yaml (${namespace})\n`);

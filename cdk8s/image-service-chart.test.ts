import { readFileSync } from 'node:fs';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateObject } from '../test/fake-kube/builtin-validation.js';
import { inputFor } from './fixtures.test-support.js';
import { buildObjects, desiredObjects, ImageServiceChart } from './image-service-chart.js';
import { parseSpec } from './parse-spec.js';

const example = parse(readFileSync(new URL('../examples/imageservice.yaml', import.meta.url), 'utf8')) as { metadata: { name: string }; spec: unknown };

const variants = {
  defaults: inputFor(),
  example: (() => {
    const parsed = parseSpec(example.spec, { name: 'photos', namespace: 'media' });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    return { name: 'photos', namespace: 'media', uid: 'u-1', spec: parsed.spec };
  })(),
  'no autoscaling': inputFor({ upload: { autoscaling: { enabled: false } }, resizer: { autoscaling: { enabled: false }, replicas: 0 }, origin: { autoscaling: { enabled: false } } }),
  'secrets inline': inputFor({ redis: { url: 'rediss://user:pw@redis:6380/2' }, imagePullSecrets: [{ name: 'registry' }], imagePullPolicy: 'Always' }),
};

describe('ImageServiceChart', () => {
  it.each(Object.entries(variants))('every object for %s validates against the Kubernetes OpenAPI schemas', async (_name, input) => {
    const objects = desiredObjects(input);
    expect(objects.length).toBeGreaterThanOrEqual(11);
    for (const o of objects) {
      expect(await validateObject(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
      expect(o.metadata.namespace).toBe(input.namespace);
      expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('imgsvc-operator');
    }
  });

  it('makes one of each per role, plus the shared objects', () => {
    const kinds = desiredObjects(variants.example).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual([
      'ConfigMap/photos',
      'ServiceAccount/photos',
      ...['upload', 'resizer', 'origin'].flatMap((r) => [`Deployment/photos-${r}`, `Service/photos-${r}`, `PodDisruptionBudget/photos-${r}`, `HorizontalPodAutoscaler/photos-${r}`]),
      'Ingress/photos',
    ]);
    expect(desiredObjects(variants['no autoscaling']).filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('synthesizes through cdk8s exactly the objects the builders make', () => {
    const app = new App({ outdir: '/nonexistent' });
    new ImageServiceChart(app, 'photos', variants.example);
    const yaml = app.synthYaml();
    const docs = yaml.split(/^---$/m).map((d) => parse(d) as unknown).filter(Boolean);
    expect(docs).toEqual(JSON.parse(JSON.stringify(buildObjects(variants.example))));
  });

  it('the validator used above does reject a broken object', async () => {
    const [deployment] = desiredObjects(inputFor()).filter((o) => o.kind === 'Deployment');
    const broken = structuredClone(deployment!) as unknown as { spec: { template: { spec: { containers: { ports: unknown[] }[] } } } };
    broken.spec.template.spec.containers[0]!.ports = [{ containerPort: 'eighty' }];
    expect((await validateObject(broken as never)).join(' ')).toMatch(/containerPort/);
  });
});

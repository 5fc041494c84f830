import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { IN_FLIGHT_METRIC, QUEUE_LAG_METRIC } from '../../cdk8s/hpa.js';
import { CRD_FILES } from '../../cdk8s/write-crd.js';
import { IMAGE_SERVICE_REF, OWNED_KINDS } from '../../operator/owned-kinds.js';
import { validateObject } from '../fake-kube/builtin-validation.js';
import { ROOT } from '../helpers/fake-cluster.js';
import { requireK8sTool } from '../helpers/k8s-tools.js';

/** The Helm chart, rendered and linted by the real helm, every object checked against the Kubernetes schemas. */
let helm: string;
const run = promisify(execFile);
const CHART = `${ROOT}charts/imgsvc-operator`;
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

async function render(...args: string[]): Promise<Obj[]> {
  const { stdout } = await run(helm, ['template', 'imgsvc', CHART, '--namespace', 'imgsvc-system', '--include-crds', ...args], { encoding: 'utf8' });
  return parseAllDocuments(stdout).map((d) => d.toJSON() as Obj).filter(Boolean);
}

const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

describe('Helm chart', () => {
  beforeAll(() => {
    helm = requireK8sTool('helm');
  });

  it('passes helm lint --strict', async () => {
    const { stdout } = await run(helm, ['lint', '--strict', CHART], { encoding: 'utf8' });
    expect(stdout).toContain('0 chart(s) failed');
  });

  it.each([
    ['defaults', []],
    ['one watched namespace, no dashboard', ['--set', 'watchNamespace=media', '--set', 'grafanaDashboard.enabled=false']],
    ['scheduling and pull secrets', ['--set', 'nodeSelector.pool=system', '--set', 'imagePullSecrets[0].name=registry', '--set', 'replicaCount=3']],
  ])('renders only valid objects with %s', async (_name, args) => {
    const objects = await render(...args);
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const o of objects) expect(await validateObject(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
  });

  it('installs the generated CRD, the operator and its RBAC', async () => {
    const objects = await render();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/imgsvc-imgsvc-operator',
      'ClusterRoleBinding/imgsvc-imgsvc-operator',
      'ConfigMap/imgsvc-imgsvc-operator-dashboard',
      'CustomResourceDefinition/imageservices.imgsvc.io',
      'Deployment/imgsvc-imgsvc-operator',
      'Role/imgsvc-imgsvc-operator-leader-election',
      'RoleBinding/imgsvc-imgsvc-operator-leader-election',
      'Service/imgsvc-imgsvc-operator-metrics',
      'ServiceAccount/imgsvc-imgsvc-operator',
    ]);
    for (const file of CRD_FILES) expect(read(file.replace('../', ''))).toBe(read('crds/imageservices.imgsvc.io.yaml'));
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { replicas: number; template: { spec: { containers: { args: string[]; env: { name: string }[]; securityContext: object; image: string }[]; securityContext: object } } } };
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.args).toEqual(['operator']);
    expect(container.image).toBe('ghcr.io/imgsvc/imgsvc:0.1.0');
    expect(container.env.map((e) => e.name)).toEqual(expect.arrayContaining(['POD_NAME', 'POD_NAMESPACE', 'IMGSVC_OPERATOR_HOST']));
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(deployment.spec.replicas).toBe(2);
  });

  it('grants exactly what the operator uses: no Secrets, no wildcards, no update of owned objects', async () => {
    const role = (await render()).find((o) => o.kind === 'ClusterRole') as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    const granted = new Map<string, string[]>();
    for (const r of role.rules) for (const res of r.resources) granted.set(`${r.apiGroups[0]}/${res}`, [...r.verbs].sort());
    const expected = new Map<string, string[]>([
      [`imgsvc.io/${IMAGE_SERVICE_REF.plural}`, ['get', 'list', 'watch']],
      [`imgsvc.io/${IMAGE_SERVICE_REF.plural}/status`, ['patch']],
      ...OWNED_KINDS.map((k) => [`${k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : ''}/${k.plural}`, ['create', 'delete', 'list', 'patch', 'watch']] as [string, string[]]),
      ['/events', ['create', 'patch']],
    ]);
    expect(Object.fromEntries(granted)).toEqual(Object.fromEntries(expected));
    const leases = (await render()).find((o) => o.kind === 'Role') as unknown as { rules: { resources: string[]; verbs: string[] }[] };
    expect(leases.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
  });

  it('narrows to a Role in the watched namespace when asked', async () => {
    const objects = await render('--set', 'watchNamespace=media');
    expect(objects.filter((o) => o.kind === 'ClusterRole')).toEqual([]);
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.name === 'imgsvc-imgsvc-operator')!;
    expect(role.metadata.namespace).toBe('media');
  });

  it.each([
    ['replicaCount=0', /replicaCount/],
    ['image.pullPolicy=Sometimes', /pullPolicy/],
    ['watchNamespace=Not_A_Namespace', /watchNamespace/],
    ['colour=blue', /Additional property colour is not allowed/],
  ])('refuses --set %s through values.schema.json', async (value, message) => {
    await expect(render('--set', value)).rejects.toThrow(message);
  });

  it('ships the dashboard, the example resource and prometheus-adapter rules for the HPA metrics', async () => {
    const dashboard = (await render()).find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(JSON.parse(dashboard.data['imgsvc.json']!)).toEqual(JSON.parse(read('charts/imgsvc-operator/dashboards/imgsvc.json')));
    expect(read('charts/imgsvc-operator/examples/imageservice.yaml')).toBe(read('examples/imageservice.yaml'));
    const adapter = parse(read('charts/imgsvc-operator/examples/prometheus-adapter-values.yaml')) as { rules: { custom: { name: { as: string } }[]; external: { name: { as: string }; metricsQuery: string }[] } };
    expect(adapter.rules.custom.map((r) => r.name.as)).toEqual([IN_FLIGHT_METRIC]);
    expect(adapter.rules.external.map((r) => r.name.as)).toEqual([QUEUE_LAG_METRIC]);
    expect(adapter.rules.external[0]!.metricsQuery).toMatch(/^max\(/);
  });
});

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_IMAGE } from '../../cdk8s/image-service-spec.js';
import { RUN_AS_USER } from '../../cdk8s/deployment.js';
import { ROOT } from '../helpers/fake-cluster.js';

/**
 * No Docker engine runs here, so this replays what the Dockerfile's last stage contains: the
 * production dependencies (npm ci --omit=dev), dist/, bin/ and package.json. Every entry point
 * must load from that alone: a runtime import of a devDependency would only fail in the image.
 */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'imgsvc-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the container image layout', () => {
  it('starts every entry point from production dependencies only', async () => {
    for (const f of ['package.json', 'package-lock.json']) cpSync(join(ROOT, f), join(dir, f));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env: { ...process.env, NODE_ENV: 'production' } });
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    const node = (args: string[], env: Record<string, string> = {}) =>
      run(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env } }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );

    const help = await node(['bin/imgsvc.js', '--help']);
    expect(help.stdout).toMatch(/serve[\s\S]*operator/);
    // The operator loads its whole module graph (client-node, cdk8s, zod) before it looks for a cluster.
    const operator = await node(['bin/imgsvc.js', 'operator'], { KUBECONFIG: join(dir, 'missing-kubeconfig'), IMGSVC_OPERATOR_PORT: 'x' });
    expect(operator.stderr).toContain('IMGSVC_OPERATOR_PORT');
    const modules = await node(['--input-type=module', '-e', "await import('./dist/cdk8s/image-service-chart.js'); await import('./dist/operator/run-operator.js'); await import('./dist/services/runtime/start-service.js'); await import('sharp'); console.log('ok')"]);
    expect(modules.stderr).toBe('');
    expect(modules.stdout.trim()).toBe('ok');
  }, 180_000);

  it('runs as the numeric non-root user the pods require, with the entry point the constructs use', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`USER ${RUN_AS_USER}:${RUN_AS_USER}`);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "/app/bin/imgsvc.js"]');
    expect((dockerfile.match(/^FROM /gm) ?? []).length).toBe(3);
  });

  it('is tagged with the version the operator and the chart deploy by default', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const chart = parse(readFileSync(join(ROOT, 'charts/imgsvc-operator/Chart.yaml'), 'utf8')) as { appVersion: string };
    expect(DEFAULT_IMAGE).toBe(`ghcr.io/imgsvc/imgsvc:${version}`);
    expect(chart.appVersion).toBe(version);
  });
});

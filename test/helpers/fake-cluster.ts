import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeApiServer } from '../fake-kube/fake-api-server.js';
import { FakeControllers } from '../fake-kube/fake-controllers.js';

const run = promisify(execFile);
import { ROOT } from './repo-root.js';

export { ROOT };

export interface FakeCluster {
  fake: FakeApiServer;
  controllers: FakeControllers;
  kubeconfig: string;
  kubeconfigPath: string;
  /** Runs kubectl against the fake; never throws: the exit code is in the result. */
  kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** A fake API server with stand-in controllers, a kubeconfig file and a private kubectl cache. */
export async function startFakeCluster(kubectlPath: string | undefined): Promise<FakeCluster> {
  const fake = await FakeApiServer.start();
  const controllers = new FakeControllers(fake.store);
  const dir = mkdtempSync(join(tmpdir(), 'imgsvc-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubeconfig = fake.kubeconfig();
  writeFileSync(kubeconfigPath, kubeconfig);
  return {
    fake,
    controllers,
    kubeconfig,
    kubeconfigPath,
    // Asynchronous on purpose: the fake server lives in this process and must keep answering.
    async kubectl(...args) {
      if (!kubectlPath) throw new Error('kubectl is not installed');
      try {
        const { stdout, stderr } = await run(kubectlPath, ['--kubeconfig', kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args], { cwd: ROOT, encoding: 'utf8' });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    },
    async stop() {
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

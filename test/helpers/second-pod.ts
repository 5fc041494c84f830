import { findFreePort } from '../../services/redis/free-port.js';
import type { TestService } from './service.js';
import { spawnImgsvc, type Spawned } from './spawn-imgsvc.js';

/**
 * Another `imgsvc serve` process on the same Redis and storage as a test service: a second
 * pod. It shares the data folder, so it reads the URL-signing key ring the first one wrote.
 */
export async function startSecondPod(t: TestService, role: string, env: Record<string, string> = {}): Promise<{ url: string; pod: Spawned; stop: () => Promise<void> }> {
  const port = await findFreePort();
  const pod = spawnImgsvc(['serve', '--role', role, '--port', String(port)], { cwd: t.dataDir, env: { ...t.env, ...env, IMGSVC_LOG_LEVEL: 'warn' } });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    if (pod.child.exitCode !== null) throw new Error(`the second pod exited:\n${pod.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pod,
    stop: async () => {
      if (pod.child.exitCode === null) pod.child.kill('SIGTERM');
      await pod.exited;
    },
  };
}

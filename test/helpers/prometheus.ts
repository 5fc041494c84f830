import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../services/redis/free-port.js';
import { requireTool } from './require-tool.js';

export interface TestPrometheus {
  url: string;
  query(expr: string): Promise<{ status: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string }>;
  stop(): Promise<void>;
}

/** A real Prometheus (Debian's `prometheus`) scraping `target` every second, with its data in a temp folder. */
export async function startPrometheus(target: string): Promise<TestPrometheus> {
  const binary = requireTool('prometheus', 'prometheus', 'evaluating the dashboard queries');
  const dir = await mkdtemp(join(tmpdir(), 'imgsvc-prom-'));
  const port = await findFreePort();
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: imgsvc\n    metrics_path: /metrics\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    query: async (expr) => (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as Awaited<ReturnType<TestPrometheus['query']>>,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

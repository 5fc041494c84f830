import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LoadResult } from './load.js';
import { cpuSeconds } from './proc-cpu.js';

const run = promisify(execFile);

/** True when Debian's `wrk` is installed: a C load generator uses far less CPU than one in Node. */
export async function hasWrk(): Promise<boolean> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its version.
    return (err as { stdout?: string }).stdout?.includes('wrk') ?? false;
  }
}

/** GET `url` with wrk (2 threads) and parse requests/s and latency percentiles. */
export async function runWrk(options: {
  label: string;
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  serverPid?: number | undefined;
  /** CPU seconds of the server so far, when the pid alone does not say it (nginx's workers). */
  serverCpu?: () => number | undefined;
}): Promise<LoadResult> {
  const args = ['-t', '2', '-c', String(options.connections), '-d', `${options.seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  const cpu = options.serverCpu ?? (() => cpuSeconds(options.serverPid));
  const before = cpu();
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 });
  const after = cpu();
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    label: options.label,
    requestsPerSecond: rps,
    p50Ms: toMs(/\s50%\s+([\d.]+\w+)/.exec(stdout)?.[1]),
    p99Ms: toMs(/\s99%\s+([\d.]+\w+)/.exec(stdout)?.[1]),
    ok: total - non2xx,
    non2xx,
    errors: errors ? errors.slice(1).reduce((n, v) => n + Number(v), 0) : 0,
    serverCpuMsPerRequest: before !== undefined && after !== undefined && total > 0 ? ((after - before) * 1000) / total : undefined,
  };
}

function toMs(text: string | undefined): number {
  if (!text) return 0;
  const value = Number.parseFloat(text);
  if (text.endsWith('us')) return value / 1000;
  if (text.endsWith('ms')) return value;
  if (text.endsWith('s')) return value * 1000;
  return value;
}

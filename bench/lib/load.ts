import autocannon from 'autocannon';
import { cpuSeconds } from './proc-cpu.js';

export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  errors: number;
  non2xx: number;
  /** CPU milliseconds the server process spent per successful request, when known. */
  serverCpuMsPerRequest?: number | undefined;
}

export interface LoadOptions {
  label: string;
  url: string;
  method?: 'GET' | 'POST';
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** A body per request (uploads need distinct bytes, or every one after the first is a dedup hit). */
  body?: () => Buffer;
  /** The server's pid, to report its CPU time per request. */
  serverPid?: number | undefined;
  /** CPU seconds of the server so far, when the pid alone does not say it (nginx's workers). */
  serverCpu?: () => number | undefined;
}

/** Drives a URL with autocannon and reports throughput and latency percentiles. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const cpu = options.serverCpu ?? (() => cpuSeconds(options.serverPid));
  const cpuBefore = cpu();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.body
          ? {
              // autocannon sets Content-Length from the body itself.
              setupRequest: (req: autocannon.Request) => ({ ...req, body: options.body!() }),
            }
          : {}),
      },
    ],
  });
  const ok = result['2xx'];
  const cpuAfter = cpu();
  return {
    serverCpuMsPerRequest: cpuBefore !== undefined && cpuAfter !== undefined && ok > 0 ? ((cpuAfter - cpuBefore) * 1000) / ok : undefined,
    label: options.label,
    requestsPerSecond: ok / options.seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function printResults(results: LoadResult[]): void {
  console.log('');
  console.log('| run | ok/s | p50 ms | p99 ms | ok | non-2xx | errors | server CPU ms/req |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const cpu = r.serverCpuMsPerRequest === undefined ? 'n/a' : r.serverCpuMsPerRequest.toFixed(2);
    console.log(`| ${r.label} | ${r.requestsPerSecond.toFixed(1)} | ${r.p50Ms} | ${r.p99Ms} | ${r.ok} | ${r.non2xx} | ${r.errors} | ${cpu} |`);
  }
}

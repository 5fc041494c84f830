import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from './proc-cpu.js';

/** CPU seconds of a process and its live children (nginx's workers, cluster workers), from /proc. */
export function treeCpuSeconds(pid: number | undefined): number | undefined {
  const own = cpuSeconds(pid);
  if (own === undefined || pid === undefined) return own;
  let total = own;
  for (const child of childPids(pid)) total += cpuSeconds(child) ?? 0;
  return total;
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

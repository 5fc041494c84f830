/** Collects the previous run's garbage before the next is measured (the npm script passes --expose-gc). */
export const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
/** This process's CPU ms (user + system) since `since`. */
export const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

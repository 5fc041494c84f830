import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server process and waits until `readyUrl` answers 200. */
export async function startChild(command: string, args: string[], readyUrl: string, env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`);
    try {
      if ((await fetch(readyUrl)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${readyUrl} did not answer within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

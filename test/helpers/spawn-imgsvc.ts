import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rememberKey, TOKEN_RE } from './auth.js';

export const BIN = fileURLToPath(new URL('../../bin/imgsvc.js', import.meta.url));

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the real `imgsvc` binary as a child process, capturing what it prints. */
export function spawnImgsvc(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, IMGSVC_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/** Waits for the "imgsvc listening" log line and returns the URL it names. */
export async function waitForListening(s: Spawned, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of s.output().split('\n')) {
      if (line.includes('"imgsvc listening"')) {
        const url = (JSON.parse(line) as { url: string }).url;
        const key = TOKEN_RE.exec(s.output())?.[0];
        if (key) rememberKey(url, key);
        return url;
      }
    }
    if (s.child.exitCode !== null) throw new Error(`imgsvc exited early:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`imgsvc did not start within ${timeoutMs} ms:\n${s.output()}`);
}

/**
 * The processes one test file spawns, each in a fresh temporary folder per test, always reaped:
 * SIGTERM first (so a serve stops its private redis-server rather than orphan it), SIGKILL after
 * 10 s. Call `reap()` from afterEach.
 */
export function spawnedPerTest(prefix: string): { cwd: () => string; track: (s: Spawned) => Spawned; prepare: () => Promise<void>; reap: () => Promise<void> } {
  let dir = '';
  const running: Spawned[] = [];
  return {
    cwd: () => dir,
    track: (s) => {
      running.push(s);
      return s;
    },
    prepare: async () => {
      dir = await mkdtemp(join(tmpdir(), prefix));
    },
    reap: async () => {
      for (const s of running.splice(0)) {
        if (s.child.exitCode === null && s.child.signalCode === null) {
          s.child.kill('SIGTERM');
          const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
          await s.exited;
          clearTimeout(timer);
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { requireTool } from './require-tool.js';

/**
 * One real redis-server (or sentinel) process on a fixed port, which a test can kill -9 and
 * start again on the same port and folder (a cluster node keeps its identity in nodes.conf).
 * Every process is also reaped if the test process dies without stopping it: a detached
 * watchdog kills what is left once its parent is gone.
 */
export interface RedisProcess {
  readonly port: number;
  readonly dir: string;
  readonly pid: number | undefined;
  running(): boolean;
  /** kill -9: no AOF flush, no goodbye to the cluster. */
  kill(): Promise<void>;
  /** Starts it again with the same arguments (same port, folder and node id). */
  restart(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** A short-lived client to this one process (the caller quits it). */
  client(): Redis;
}

const live = new Set<ChildProcess>();
let watchdog: ChildProcess | undefined;

process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startRedisProcess(port: number, dir: string, args: string[], options: { sentinel?: boolean } = {}): Promise<RedisProcess> {
  const binary = requireTool('redis-server', 'redis-server', 'the Redis Cluster and Sentinel tests');
  const fullArgs = [
    ...(options.sentinel ? [`${dir}/sentinel.conf`, '--sentinel'] : []),
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--daemonize', 'no',
    '--protected-mode', 'no',
    '--loglevel', 'warning',
    '--logfile', `${dir}/redis.log`,
    ...args,
  ];
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn(binary, fullArgs, { stdio: 'ignore' });
    child = started;
    live.add(started);
    started.once('exit', () => {
      live.delete(started);
      armWatchdog();
    });
    started.on('error', () => undefined);
    armWatchdog();
    await waitForPong(port, started);
  };
  await launch();
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const waitExit = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  return {
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    running,
    kill: async () => {
      if (!child || !running()) return;
      child.kill('SIGKILL');
      await waitExit(child);
    },
    restart: async () => {
      if (running()) throw new Error(`redis on port ${port} is still running`);
      // The kernel may hold the port for a moment after the kill.
      for (let attempt = 0; ; attempt++) {
        try {
          await launch();
          return;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    },
    stop: async () => {
      if (!child || !running()) return;
      const c = child;
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
      c.kill('SIGTERM');
      await waitExit(c);
      clearTimeout(timer);
    },
    client: () => {
      const r = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: false });
      r.on('error', () => undefined);
      return r;
    },
  };
}

/**
 * A free port below 55536 whose port+10000 (the cluster bus) is free too, picked at random in
 * a band away from the kernel's ephemeral range so parallel test files rarely collide.
 */
export async function findClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if ((await portFree(port)) && (await portFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair (port, port+10000) below 55536');
}

/** `count` distinct free cluster ports. */
export async function findClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await findClusterPort();
    if (!ports.some((p) => Math.abs(p - port) === 10_000 || p === port)) ports.push(port);
  }
  return ports;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitForPong(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on port ${port} exited at start (code ${child.exitCode})`);
    const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500, enableReadyCheck: false });
    r.on('error', () => undefined);
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return;
    } catch (err) {
      // A server with a password answers, just not to us: it is up.
      if (/NOAUTH|Authentication required/.test((err as Error).message)) return;
    } finally {
      r.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
}

/**
 * A shell that outlives nothing: it polls this process and, once it is gone (a vitest worker
 * killed by a timeout), kills every redis-server it was told about. Re-armed with the current
 * list whenever a process starts.
 */
function armWatchdog(): void {
  watchdog?.kill('SIGKILL');
  watchdog = undefined;
  const pids = [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
  if (pids.length === 0) return;
  watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pids.join(' ')} 2>/dev/null`], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { connect } from 'node:net';
import { findFreePort } from './free-port.js';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export class RedisServerMissingError extends Error {
  constructor(binary: string) {
    super(
      `no Redis: REDIS_URL is not set and \`${binary}\` could not be started; ` +
        'set REDIS_URL=redis://host:6379 or install Redis (Debian/Ubuntu: apt-get install redis-server)',
    );
    this.name = 'RedisServerMissingError';
  }
}

/**
 * Starts a redis-server that belongs to this process: loopback only, a free port, AOF
 * persistence (fsync every second) with its files in `dir`, so a restart of `imgsvc serve`
 * finds its index and queued jobs again. The child is stopped by `stop()`, and it also exits
 * if this process dies: it is started in our process group and watched from the parent side.
 */
export async function startPrivateRedis(
  dir: string,
  /** `port`: that port (a restart keeps the address clients reconnect to) instead of a free one. */
  options: { binary?: string; persist?: boolean; port?: number } = {},
): Promise<PrivateRedis> {
  const binary = options.binary ?? 'redis-server';
  const persist = options.persist ?? true;
  const absDir = resolve(dir);
  await mkdir(absDir, { recursive: true });
  const pidFile = join(absDir, 'redis.pid');
  await stopOrphan(pidFile);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await findFreePort());
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', absDir,
      '--save', '',
      '--appendonly', persist ? 'yes' : 'no',
      '--appendfsync', 'everysec',
      '--protected-mode', 'yes',
      '--daemonize', 'no',
      '--loglevel', 'warning',
      '--logfile', '',
      '--pidfile', pidFile,
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new RedisServerMissingError(binary) : err),
      );
      child.once('exit', (code, signal) => reject(new Error(`redis-server exited early (code ${code}, signal ${signal})`)));
    });
    try {
      await Promise.race([waitForPing(port, child), spawnError]);
      child.removeAllListeners('exit');
      child.on('error', () => undefined);
      return { url: `redis://127.0.0.1:${port}`, port, process: child, stop: () => stopChild(child) };
    } catch (err) {
      lastError = err;
      child.kill('SIGKILL');
      if (err instanceof RedisServerMissingError) throw err;
      // The fixed port may still be held by the server that just died: give the kernel a moment.
      if (options.port !== undefined) await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Polls with a bare RESP PING until the server answers, the child dies, or time runs out. */
async function waitForPing(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port)) return;
    if (child.exitCode !== null || child.signalCode !== null) return; // the exit handler reports why
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    // SIGTERM makes redis flush the AOF before exiting.
    child.kill('SIGTERM');
  });
}

export class PrivateRedisInUseError extends Error {
  constructor(dir: string, owner: number) {
    super(`the Redis in ${dir} is in use by a running process (pid ${owner}); stop it first, or set REDIS_URL to share that Redis`);
    this.name = 'PrivateRedisInUseError';
  }
}

async function stopOrphan(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (cmdline.includes('redis-server')) {
    // Its parent still alive means another imgsvc owns it (an orphan is re-parented to pid 1).
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid > 1 && ppid !== process.pid) throw new PrivateRedisInUseError(dirname(pidFile), ppid);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')) !== '') {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await rm(pidFile, { force: true });
}

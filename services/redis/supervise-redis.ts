import type { Logger } from '../core/logger.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

export interface SupervisedRedis {
  readonly url: string;
  readonly port: number;
  /** The current child's pid (tests and operators use it). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** Crashes in a row (each within `stableMs` of its start) after which the supervisor gives up. */
  maxRestarts: number;
  /** Called once when giving up: the process cannot work without its Redis. */
  onGiveUp: (err: Error) => void;
  logger: Logger;
  persist?: boolean;
  binary?: string;
  /** A server that stayed up this long has recovered: its next crash counts as the first again. */
  stableMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** The wait before restart number `attempt` (1-based): doubling from `base`, capped at `max`. */
export function restartDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The private redis-server, kept alive: when it dies it is restarted on the same port (so the
 * clients' reconnects find it again) and with the same AOF files (so the data comes back), with
 * a growing delay. Past `maxRestarts` crashes in a row it gives up and says so once, and the
 * caller exits rather than answer 503 for ever.
 */
export async function superviseRedis(dir: string, options: SuperviseOptions): Promise<SupervisedRedis> {
  const { logger } = options;
  const stableMs = options.stableMs ?? 30_000;
  const start = (port?: number) =>
    startPrivateRedis(dir, {
      ...(options.binary ? { binary: options.binary } : {}),
      ...(options.persist !== undefined ? { persist: options.persist } : {}),
      ...(port !== undefined ? { port } : {}),
    });
  let current: PrivateRedis = await start();
  const port = current.port;
  let startedAt = Date.now();
  let crashes = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  const crashed = (why: string) => {
    if (stopping) return;
    crashes = Date.now() - startedAt < stableMs ? crashes + 1 : 1;
    if (crashes > options.maxRestarts) {
      stopping = true;
      options.onGiveUp(new Error(`the private redis-server (port ${port}, files in ${dir}) ${why}, ${crashes} times in a row; giving up`));
      return;
    }
    const delay = restartDelay(crashes, options.baseDelayMs ?? 250, options.maxDelayMs ?? 5_000);
    logger.error({ port, crashes, delayMs: delay }, `the private redis-server ${why}; restarting it`);
    timer = setTimeout(() => void restart(), delay);
  };
  const watch = (server: PrivateRedis) =>
    server.process.once('exit', (code, signal) => crashed(`exited (code ${code}, signal ${signal})`));
  const restart = async () => {
    if (stopping) return;
    try {
      const next = await start(port);
      if (stopping) {
        await next.stop();
        return;
      }
      current = next;
      startedAt = Date.now();
      watch(current);
      logger.warn({ port, crashes }, 'restarted the private redis-server');
    } catch (err) {
      startedAt = Date.now();
      crashed(`could not be restarted (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  watch(current);

  return {
    url: current.url,
    port,
    get pid() {
      return current.process.pid;
    },
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await current.stop();
    },
  };
}

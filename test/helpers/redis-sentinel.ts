import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { findClusterPorts, startRedisProcess, type RedisProcess } from './redis-process.js';

export const MASTER_NAME = 'imgsvc-test';

export interface TestRedisSentinel {
  /** `redis+sentinel://127.0.0.1:s1,…/imgsvc-test`. */
  url: string;
  masterName: string;
  /** [primary, replica] as started; which one is primary now: `primary()`. */
  servers: RedisProcess[];
  sentinels: RedisProcess[];
  /** The server the sentinels name as master now. */
  primary(): Promise<RedisProcess>;
  /** Waits until a quorum of sentinels names a master other than `previous` that answers as master. */
  waitForFailover(previous: RedisProcess, timeoutMs?: number): Promise<RedisProcess>;
  stop(): Promise<void>;
}

/**
 * A real Sentinel group: one primary, one replica and three sentinels (quorum 2) from Debian's
 * redis-server, on free ports, with short timeouts so a killed primary fails over in a few
 * seconds. Reaped by `stop()`, or by the watchdog if the test process dies first.
 */
export async function startRedisSentinel(options: { appendonly?: boolean } = {}): Promise<TestRedisSentinel> {
  const root = await mkdtemp(join(tmpdir(), 'imgsvc-sentinel-'));
  const [primaryPort, replicaPort, ...sentinelPorts] = await findClusterPorts(5);
  const all: RedisProcess[] = [];
  const cleanup = async () => {
    await Promise.all(all.map((p) => p.kill()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const data = ['--save', '', '--appendonly', options.appendonly ? 'yes' : 'no'];
    const serverAt = async (port: number, extra: string[]) => {
      const dir = join(root, String(port));
      await mkdir(dir);
      const p = await startRedisProcess(port, dir, [...data, ...extra]);
      all.push(p);
      return p;
    };
    const primary = await serverAt(primaryPort!, []);
    const replica = await serverAt(replicaPort!, ['--replicaof', '127.0.0.1', String(primaryPort)]);
    await waitFor(async () => (await ask(replica, (r) => r.info('replication'))).includes('master_link_status:up'), 20_000, 'replica in sync');
    const sentinels: RedisProcess[] = [];
    for (const port of sentinelPorts) {
      const dir = join(root, String(port));
      await mkdir(dir);
      // Sentinel rewrites its own config file: each needs one of its own, writable.
      await writeFile(
        join(dir, 'sentinel.conf'),
        [
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1500`,
          `sentinel failover-timeout ${MASTER_NAME} 10000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      const s = await startRedisProcess(port, dir, [], { sentinel: true });
      all.push(s);
      sentinels.push(s);
    }
    const servers = [primary, replica];
    const masterPort = async (): Promise<number | undefined> => {
      for (const s of sentinels.filter((x) => x.running())) {
        const addr = (await ask(s, (r) => r.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME)).catch(() => null)) as string[] | null;
        if (addr) return Number(addr[1]);
      }
      return undefined;
    };
    // Every sentinel must have found the replica and the other sentinels before a failover can work.
    await waitFor(
      async () => {
        const views = await Promise.all(sentinels.map((s) => ask(s, (r) => r.call('SENTINEL', 'MASTER', MASTER_NAME)) as Promise<string[]>));
        return views.every((v) => Number(field(v, 'num-slaves')) >= 1 && Number(field(v, 'num-other-sentinels')) >= 2);
      },
      30_000,
      'sentinels to discover the replica and each other',
    );
    const primaryNow = async () => {
      const port = await masterPort();
      const found = servers.find((s) => s.port === port);
      if (!found) throw new Error(`no sentinel names a known master (port ${port})`);
      return found;
    };
    return {
      url: `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${MASTER_NAME}`,
      masterName: MASTER_NAME,
      servers,
      sentinels,
      primary: primaryNow,
      waitForFailover: async (previous, timeoutMs = 60_000) => {
        let next: RedisProcess | undefined;
        await waitFor(
          async () => {
            const port = await masterPort();
            next = servers.find((s) => s.port === port && s !== previous);
            if (!next || !next.running()) return false;
            return ((await ask(next, (r) => r.call('ROLE'))) as string[])[0] === 'master';
          },
          timeoutMs,
          'a sentinel failover',
        );
        return next!;
      },
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function field(pairs: string[], name: string): string | undefined {
  const i = pairs.indexOf(name);
  return i >= 0 ? pairs[i + 1] : undefined;
}

async function ask<T>(p: RedisProcess, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = p.client();
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

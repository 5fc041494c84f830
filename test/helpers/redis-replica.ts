import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from './redis.js';

/** host and port of a test Redis, for REPLICAOF. */
export function hostPort(r: TestRedis): [string, number] {
  const url = new URL(r.url);
  return [url.hostname, Number(url.port)];
}

async function replication(client: Redis): Promise<Record<string, string>> {
  const info = await client.info('replication');
  return Object.fromEntries(info.split(/\r?\n/).filter((l) => l.includes(':')).map((l) => l.split(':', 2) as [string, string]));
}

/** Makes `replica` a replica of `primary` and waits until it has caught up. */
export async function attachReplica(primary: TestRedis, replica: TestRedis, timeoutMs = 20_000): Promise<void> {
  const [host, port] = hostPort(primary);
  await replica.client.replicaof(host, port);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [mine, theirs] = await Promise.all([replication(replica.client), replication(primary.client)]);
    if (mine.master_link_status === 'up' && mine.master_repl_offset === theirs.master_repl_offset) return;
    if (Date.now() > deadline) throw new Error(`the replica did not catch up: ${JSON.stringify(mine)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops replicating: the replica becomes a primary with what it had. */
export async function promote(replica: TestRedis): Promise<void> {
  await replica.client.replicaof('NO', 'ONE');
}

/** A primary and a replica of it, real redis-servers on free ports. */
export async function startReplicatedPair(): Promise<{ primary: TestRedis; replica: TestRedis; stop(): Promise<void> }> {
  const primary = await startTestRedis();
  const replica = await startTestRedis();
  await attachReplica(primary, replica);
  return { primary, replica, stop: async () => void (await Promise.all([replica.stop(), primary.stop()])) };
}

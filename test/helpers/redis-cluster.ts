import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, type Redis } from 'ioredis';
import { requireTool } from './require-tool.js';
import { findClusterPorts, startRedisProcess, type RedisProcess } from './redis-process.js';

const run = promisify(execFile);

export interface ClusterNode extends RedisProcess {
  /** The node's id in the cluster (CLUSTER MYID). */
  readonly id: string;
}

export interface TestRedisCluster {
  /** `redis+cluster://127.0.0.1:p1,…` naming every node. */
  url: string;
  nodes: ClusterNode[];
  /** A cluster client for the test's own checks (ready before it is returned). */
  client: Cluster;
  /** The nodes that are primaries now (asked of the nodes that are up). */
  primaries(): Promise<ClusterNode[]>;
  replicas(): Promise<ClusterNode[]>;
  /** Waits until every node that is up says cluster_state:ok and every slot has a live primary. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** FLUSHALL on every primary (replicas follow). */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster: 3 primaries and 3 replicas from Debian's redis-server on free ports
 * below 55536 (each node's bus is port+10000), created with `redis-cli --cluster create`, ready
 * when every node reports cluster_state:ok. Node timeout is short (2 s) so a killed primary
 * fails over within seconds. Every process is reaped by `stop()`, or by the watchdog if the
 * test process dies first.
 */
export async function startRedisCluster(
  options: { primaries?: number; replicasPerPrimary?: number; appendonly?: boolean; /** Redis' own default, `yes`, stops every slot while one primary is down; docs/redis.md asks for `no`. */ fullCoverage?: boolean } = {},
): Promise<TestRedisCluster> {
  const redisCli = requireTool('redis-cli', 'redis-tools', 'the Redis Cluster tests');
  const primaries = options.primaries ?? 3;
  const perPrimary = options.replicasPerPrimary ?? 1;
  const root = await mkdtemp(join(tmpdir(), 'imgsvc-cluster-'));
  const ports = await findClusterPorts(primaries * (1 + perPrimary));
  const processes: RedisProcess[] = [];
  // Another process on this machine may take a port between our check and the server's bind.
  const startNode = async (index: number, args: string[]): Promise<RedisProcess> => {
    for (let attempt = 0; ; attempt++) {
      const port = ports[index]!;
      const dir = join(root, String(port));
      await mkdir(dir, { recursive: true });
      try {
        return await startRedisProcess(port, dir, args);
      } catch (err) {
        if (attempt >= 4) throw err;
        const [fresh] = await findClusterPorts(1);
        if (ports.includes(fresh!)) continue;
        ports[index] = fresh!;
      }
    }
  };
  const cleanup = async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < ports.length; index++) {
      processes.push(
        await startNode(index, [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf',
          '--cluster-node-timeout', '2000',
          // A replica may take over even after a long gap: the tests kill primaries on purpose.
          '--cluster-replica-validity-factor', '0',
          // What docs/redis.md asks of a production cluster: the primaries that are up keep
          // serving their slots while another one fails over.
          '--cluster-require-full-coverage', options.fullCoverage ? 'yes' : 'no',
          '--save', '',
          '--appendonly', options.appendonly ? 'yes' : 'no',
        ]),
      );
    }
    await run(redisCli, ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(perPrimary), '--cluster-yes'], {
      timeout: 60_000,
    });
    const ids = await Promise.all(processes.map(async (p) => withClient(p, async (r) => String(await r.call('CLUSTER', 'MYID')))));
    const nodes: ClusterNode[] = processes.map((p, i) => Object.assign(p, { id: ids[i]! }));
    const roleOf = async (node: ClusterNode): Promise<string | undefined> =>
      node.running() ? withClient(node, async (r) => ((await r.call('ROLE')) as [string])[0]).catch(() => undefined) : undefined;
    const waitHealthy = async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const states = await Promise.all(
          nodes.filter((n) => n.running()).map((n) => withClient(n, async (r) => String(await r.call('CLUSTER', 'INFO'))).catch((e: Error) => e.message)),
        );
        last = states.map((s) => /cluster_state:\w+/.exec(s)?.[0] ?? s).join(', ');
        if (states.length > 0 && states.every((s) => s.includes('cluster_state:ok') && s.includes('cluster_slots_fail:0') && s.includes('cluster_slots_ok:16384'))) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`the cluster did not become healthy within ${timeoutMs} ms (${last})`);
    };
    await waitHealthy();
    // The slots are served before every replica has finished its first sync; a WAIT sent then
    // counts 0 acknowledgements (a test of the replica wait saw exactly that on its first upload).
    const replicasOnline = async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const infos = await Promise.all(nodes.map((n) => withClient(n, async (r) => String(await r.call('INFO', 'replication'))).catch((e: Error) => e.message)));
        const primariesInfo = infos.filter((i) => i.includes('role:master'));
        const online = (i: string) => (i.match(/^slave\d+:.*state=online/gm) ?? []).length;
        last = primariesInfo.map((i) => `${online(i)} online`).join(', ');
        if (primariesInfo.length === primaries && primariesInfo.every((i) => online(i) >= perPrimary)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`the replicas did not all come online within ${timeoutMs} ms (${last})`);
    };
    await replicasOnline();
    const client = new Cluster(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { maxRetriesPerRequest: 3 }, clusterRetryStrategy: (t) => Math.min(100 * t, 1_000), retryDelayOnClusterDown: 300 },
    );
    client.on('error', () => undefined);
    await client.ping();
    return {
      url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
      nodes,
      client,
      primaries: async () => {
        const roles = await Promise.all(nodes.map(roleOf));
        return nodes.filter((_, i) => roles[i] === 'master');
      },
      replicas: async () => {
        const roles = await Promise.all(nodes.map(roleOf));
        return nodes.filter((_, i) => roles[i] === 'slave');
      },
      waitHealthy,
      flushAll: async () => {
        await Promise.all(client.nodes('master').map((n) => n.flushall()));
      },
      stop: async () => {
        client.disconnect();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function withClient<T>(p: RedisProcess, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = p.client();
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

import { Redis, type RedisOptions } from 'ioredis';
import { formatNodes, type RedisNode, type RedisTarget } from '../core/redis-url.js';

/**
 * Why a Sentinel group or a Cluster did not answer, asked node by node with one short
 * connection each, so the start-up error names every node tried and what each one said
 * (the client's own errors say only "None of startup nodes is available").
 */
export async function diagnoseRedis(target: RedisTarget, timeoutMs = 2_000): Promise<string> {
  if (target.mode === 'standalone') return '';
  if (target.mode === 'cluster') {
    const tls = target.tls ? { tls: {} } : {};
    const answers = await Promise.all(
      target.nodes.map((node) =>
        ask(node, { username: target.username, password: target.password, ...tls }, timeoutMs, async (r) => {
          const info = String(await r.call('CLUSTER', 'INFO'));
          const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
          return state === 'ok' ? 'answers, cluster_state:ok' : `answers, but cluster_state:${state}`;
        }),
      ),
    );
    return `no usable Redis Cluster node (tried ${list(target.nodes, answers)})`;
  }
  const tls = target.tls ? { tls: {} } : {};
  const answers = await Promise.all(
    target.sentinels.map((node) =>
      ask(node, { username: target.sentinelUsername, password: target.sentinelPassword, ...tls }, timeoutMs, async (r) => {
        const addr = (await r.call('SENTINEL', 'get-master-addr-by-name', target.masterName)) as string[] | null;
        return addr ? `names master ${JSON.stringify(target.masterName)} at ${addr[0]}:${addr[1]}` : `knows no master named ${JSON.stringify(target.masterName)}`;
      }),
    ),
  );
  const known = answers.some((a) => a.startsWith('names master'));
  const answered = answers.some((a) => a.startsWith('names master') || a.startsWith('knows no master'));
  const summary = known
    ? `the Sentinels name master ${JSON.stringify(target.masterName)} but it does not answer as a primary`
    : answered
      ? `no Sentinel knows a master named ${JSON.stringify(target.masterName)}`
      : 'no Sentinel answered';
  return `${summary} (tried ${list(target.sentinels, answers)})`;
}

function list(nodes: RedisNode[], answers: string[]): string {
  return nodes.map((node, i) => `${formatNodes([node])}: ${answers[i]}`).join('; ');
}

async function ask(node: RedisNode, options: RedisOptions, timeoutMs: number, question: (r: Redis) => Promise<string>): Promise<string> {
  const r = new Redis({
    ...options,
    host: node.host,
    port: node.port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let firstError: Error | undefined;
  r.on('error', (err: Error) => (firstError ??= err));
  try {
    await r.connect();
    return await question(r);
  } catch (err) {
    const e = firstError ?? (err as Error);
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ECONNREFUSED' ? 'connection refused' : code === 'ETIMEDOUT' ? 'timed out' : e.message.replace(/^ERR /, '');
  } finally {
    r.disconnect();
  }
}

import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../services/core/shards.js';
import { redisKeys } from '../../services/redis/keys.js';
import { COMPACT_ENCODINGS } from '../../services/redis/compact-encodings.js';
import { corpusPath } from '../helpers/corpus.js';
import { eventually } from '../helpers/eventually.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * What is per node on a Redis Cluster, on a real one (3 primaries, 3 replicas): the replica
 * acknowledgement wait (IMGSVC_REDIS_WAIT_REPLICAS) must ask the primary that ran the upload's
 * pivot, and the compact-encoding settings (CONFIG SET, not replicated) must reach every node,
 * including one that restarts later.
 */
let t: TestService;
const warnings: string[] = [];
// Long enough that a live replica answers on a loaded machine; each upload to the frozen one waits it out.
const WAIT_MS = 2_000;
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString();
      if (line.includes('"level":"warn"')) warnings.push(line);
      done();
    },
  });
  t = await startTestService(
    { IMGSVC_REDIS_WAIT_REPLICAS: '1', IMGSVC_REDIS_WAIT_TIMEOUT_MS: String(WAIT_MS), IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' },
    'fs',
    { logStream },
  );
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

const photo = readFile(corpusPath('photos/tower_progressive.jpg'));
/** The ports of a slot's primary and of its replica, from CLUSTER NODES (asked of a live primary). */
async function ownersOf(key: string): Promise<{ primary: number; replica: number }> {
  const slot = keySlot(key);
  const primaries = await t.redis.cluster!.primaries();
  const r = primaries[0]!.client();
  try {
    const lines = String(await r.call('CLUSTER', 'NODES')).trim().split('\n').map((l) => l.split(' '));
    const owner = lines.find((f) => f[2]!.includes('master') && f.slice(8).some((range) => {
      const [from, to = from] = range.split('-').map(Number);
      return slot >= from! && slot <= to!;
    }))!;
    const replica = lines.find((f) => f[3] === owner[0])!;
    return { primary: portOf(owner[1]!), replica: portOf(replica[1]!) };
  } finally {
    r.disconnect();
  }
}
const portOf = (address: string) => Number(address.split('@')[0]!.split(':')[1]);

describe('on a Redis Cluster', () => {
  it('waits for the replica of the primary that holds the upload, not of a random one', async () => {
    expect(t.redis.kind, 'run in the cluster lane (npm run test:cluster)').toBe('cluster');
    const cluster = t.redis.cluster!;
    // Freeze the replica of shard 0's primary: that primary's acknowledgements stop.
    const frozen = await ownersOf(redisKeys.events(0));
    const replica = cluster.nodes.find((n) => n.port === frozen.replica)!;
    process.kill(replica.pid!, 'SIGSTOP');
    const ids: string[] = [];
    try {
      for (let i = 0; ids.length < 12 && i < 40; i++) {
        const up = await uploadBytes(t.url, Buffer.concat([await photo, Buffer.from(`per-node-wait-${i}`)]), 'image/jpeg', t.adminKey);
        expect(up.status).toBe(201);
        ids.push(up.body.id as string);
      }
    } finally {
      process.kill(replica.pid!, 'SIGCONT');
    }
    const owners = new Map(await Promise.all(ids.map(async (id) => [id, await ownersOf(redisKeys.image(id))] as const)));
    const onFrozen = (id: string) => owners.get(id)!.primary === frozen.primary;
    const warned = (id: string) => warnings.some((w) => w.includes('fewer Redis replicas acknowledged') && w.includes(id));
    // Some uploads landed on each side (16 shards over 3 primaries).
    expect(ids.some(onFrozen)).toBe(true);
    expect(ids.some((id) => !onFrozen(id))).toBe(true);
    // The wait fell short exactly for the uploads whose primary's replica was frozen.
    expect(ids.map((id) => [id, onFrozen(id), warned(id)])).toEqual(ids.map((id) => [id, onFrozen(id), onFrozen(id)]));
    // Elsewhere the acknowledgement came from the record's own replica: it has the record at once.
    for (const id of ids.filter((i) => !onFrozen(i))) {
      const r = cluster.nodes.find((n) => n.port === owners.get(id)!.replica)!.client();
      try {
        await r.call('READONLY');
        expect(await r.exists(redisKeys.image(id))).toBe(1);
      } finally {
        r.disconnect();
      }
    }
  }, 120_000);

  it('sets the compact encodings on every node, and again on a node that restarted', async () => {
    const cluster = t.redis.cluster!;
    const setting = async (port: number) => {
      const r = cluster.nodes.find((n) => n.port === port)!.client();
      try {
        return Object.fromEntries(await Promise.all(Object.keys(COMPACT_ENCODINGS).map(async (name) => [name, ((await r.config('GET', name)) as string[])[1]])));
      } finally {
        r.disconnect();
      }
    };
    // Each at least what the service asks (it only raises a limit; some defaults are higher).
    const enough = (values: Record<string, string>) => Object.entries(COMPACT_ENCODINGS).every(([name, wanted]) => Number(values[name]) >= Number(wanted));
    await eventually(async () => {
      for (const node of cluster.nodes) expect([node.port, enough(await setting(node.port))]).toEqual([node.port, true]);
    }, 30_000, 500);
    // A replica restarts with its own configuration's values (the defaults here) and rejoins.
    const replica = (await cluster.replicas())[0]!;
    await replica.kill();
    await replica.restart();
    expect((await setting(replica.port))['hash-max-listpack-value']).toBe('64');
    await cluster.waitHealthy(60_000);
    // The service finds it at its next look at the topology and sets them again.
    await eventually(async () => expect(enough(await setting(replica.port))).toBe(true), 60_000, 500);
  }, 180_000);
});

import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * Defect 9: the memoised User-Agent and Accept parsing was bounded by entry count, so distinct
 * 15 KB User-Agents (attacker-chosen) grew the heap by hundreds of megabytes. The service runs
 * in this process, so its heap is this process's heap.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let t: TestService;
let id: string;
beforeAll(async () => {
  t = await startTestService();
  const up = await uploadFile(t.url, 'alpha/basn3p08-trns.png');
  id = up.body.id as string;
});
afterAll(() => t.stop());

function get(agent: Agent, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('header-keyed caches', () => {
  it('20,000 distinct 15 KB User-Agents leave heap growth bounded', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const path = `/i/${id}`;
    // Warm the record and variant into memory, so every request below takes the hot path.
    expect(await get(agent, path, { 'user-agent': 'warm' })).toBe(200);
    const padding = 'x'.repeat(15 * 1024);
    const before = heapUsed();
    // Sampled as it goes: a cache that empties itself when full is at its largest just before.
    let largest = 0;
    let next = 0;
    let sampling = Promise.resolve();
    const statuses = new Set<number>();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 20_000) {
          const n = next++;
          statuses.add(await get(agent, path, { 'user-agent': `Mozilla/5.0 (X11; Linux x86_64) probe/${n} ${padding}` }));
          if (n % 1_000 === 999) sampling = sampling.then(() => void (largest = Math.max(largest, heapUsed() - before)));
        }
      }),
    );
    await sampling;
    largest = Math.max(largest, heapUsed() - before);
    agent.destroy();
    expect([...statuses]).toEqual([200]);
    // 20,000 × 15 KB is 300 MB of header text; none of it may stay behind (slack for analytics and metrics).
    expect(largest).toBeLessThan(40 * 1024 * 1024);
  }, 180_000);
});

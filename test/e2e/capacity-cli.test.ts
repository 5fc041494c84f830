/** `imgsvc capacity` through the real binary: the default load (the brief's 5 M uploads/hour), JSON, prices and bad input. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'imgsvc-capacity-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function capacity(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Run from an unrelated folder: the figures are found beside the install, not in the cwd.
  const s = spawnImgsvc(['capacity', ...args], { cwd: work });
  let stdout = '';
  let stderr = '';
  s.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  s.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const { code } = await s.exited;
  return { code, stdout, stderr };
}

describe('imgsvc capacity', () => {
  it('plans the default load for a person', async () => {
    const { code, stdout, stderr } = await capacity([]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^Capacity for 5,000,000 uploads\/hour \(1,389\/s\), 3\.42 MB and 6\.29 MP per upload$/m);
    expect(stdout).toMatch(/CPU per unit: upload 31\.7 ms, resize 127\.0 ms, origin request 0\.0878 ms, first view 265\.0 ms/);
    expect(stdout).toMatch(/^ {2}upload +44\.0 cores busy, 63 pods \(max 60\)$/m);
    expect(stdout).toMatch(/^ {2}resizer +176\.4 cores busy, 111 pods \(max 400\)$/m);
    expect(stdout).toMatch(/^ {2}origin, behind the CDN +368\.3 cores busy, 527 pods for 2,778 requests\/s and 1,389 first views\/s$/m);
    // Changed with issue 20: the tiered index (hot 7 days, then cold; marginal per-image figures), 12 h of events, on a Redis Cluster.
    expect(stdout).toMatch(/^ {2}memory +7\.81 TB: index 3\.26 TB, analytics 4\.55 TB; 114 primaries/m);
    expect(stdout).toMatch(/^ {2}images kept 30 days +7\.81 TB: 114 primaries, 228 nodes with replicas$/m);
    expect(stdout).toMatch(/^ {2}images kept 1 year +39\.6 TB: 576 primaries, 1,152 nodes with replicas$/m);
    expect(stdout).toMatch(/^ {2}held at 30 days' retention +12\.3 PB$/m);
    expect(stdout).toMatch(/^ {2}total +\$[\d,]+ +\$[\d,]+$/m);
    expect(stdout).toMatch(/^First chokepoint: origin CPU, at 132% of its ceiling: this load does not fit until it is raised\.$/m);
    const order = [...stdout.slice(stdout.indexOf('Chokepoints')).matchAll(/^ {2}(Redis memory|upload CPU|resizer CPU|Redis ops\/s|origin CPU) /gm)].map((m) => m[1]);
    expect(order).toEqual(['origin CPU', 'upload CPU', 'resizer CPU', 'Redis memory', 'Redis ops/s']);
  });

  it('prints the whole plan as JSON, with prices from a file', async () => {
    const prices = join(work, 'prices.json');
    await writeFile(prices, JSON.stringify({ cpuCoreHour: 0.08 }));
    const [plain, dear] = await Promise.all([capacity(['--json']), capacity(['--json', '--prices', prices])]);
    const a = JSON.parse(plain.stdout) as { roles: { upload: { pods: number } }; chokepoints: { resource: string }[]; cost: { withCdn: { compute: number; total: number } }; figures: string };
    const b = JSON.parse(dear.stdout) as typeof a;
    expect(a.roles.upload.pods).toBe(63);
    expect(a.chokepoints[0]!.resource).toBe('origin CPU');
    expect(a.figures).toMatch(/bench\/figures\.json$/);
    expect(b.cost.withCdn.compute).toBeCloseTo(a.cost.withCdn.compute * 2, 6);
  });

  it('names another chokepoint when the load changes', async () => {
    const { code, stdout } = await capacity(['--retention-days', '0.05', '--uploads-per-hour', '3M']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Capacity for 3,000,000 uploads\/hour/m);
    expect(stdout).toMatch(/^First chokepoint: origin CPU, at 78\.9% of its ceiling: it saturates when the load grows 1\.27x\.$/m);
  });

  it('refuses bad input with every problem and exit 2', async () => {
    const { code, stderr, stdout } = await capacity(['--device-mix', 'phone=0.5,watch=0.5', '--uploads-per-hour', 'lots']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('expected a number for --uploads-per-hour but received "lots"');
    const second = await capacity(['--device-mix', 'phone=0.5,watch=0.5']);
    expect(second.stderr).toContain('expected a device class of phone, tablet, desktop, save-data, legacy but received "watch"');
    const missing = await capacity(['--figures', join(work, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*none\.json \(--figures\): ENOENT/);
  });
});

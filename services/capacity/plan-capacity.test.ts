import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFigures, type Figures } from './figures.js';
import { HOURS_PER_MONTH, planCapacity, type Load, type Resource } from './plan-capacity.js';
import { DEFAULT_PRICES, parsePrices } from './prices.js';

/** Round numbers, so every expectation below can be checked by hand. */
const f = (value: number) => ({ value, source: 'test' });
const figures: Figures = parseFigures({
  upload: { cpuMsPerUpload: f(20), measuredAtBytes: f(1e6), byteCpuMsAtMeasuredSize: f(2), cpuTarget: f(0.5), coresPerPod: f(1), maxPods: f(100) },
  resizer: { cpuMsPerImage: f(300), measuredAtMegapixels: f(5), cpuTarget: f(0.75), coresPerPod: f(2), maxPods: f(200) },
  origin: { cpuMsPerRequest: f(0.1), firstViewCpuMs: f(2), firstViewTransformsPerUpload: f(1), cpuTarget: f(0.5), coresPerPod: f(1), maxPods: f(10), bytesPerView: { phone: f(50_000), tablet: f(150_000), desktop: f(100_000) } },
  traffic: { viewsPerImagePerDay: f(10), cdnHitRatio: f(0.9) },
  redis: { opsPerSecond: f(100_000), commandsPerUpload: f(40), commandsPerOriginView: f(10), bytesPerImage: f(5000), analyticsBytesPerImageDay: f(1000), analyticsRetentionDays: f(7), maxMemoryBytes: f(100e9) },
  storage: { averageOriginalBytes: f(2e6), variantBytesPerImage: f(200_000), manifestBytesPerImage: f(1000), objectsWrittenPerImage: f(8) },
});

/** 1,000 uploads/s of 1 MB and 5 MP, 10 views each, phones only, behind a 90% CDN, kept 10 days. */
const base: Load = { uploadsPerHour: 3_600_000, avgUploadBytes: 1e6, avgMegapixels: 5, viewsPerImagePerDay: 10, deviceMix: { phone: 1 }, retentionDays: 10, cdnHitRatio: 0.9 };

describe('planCapacity', () => {
  const rows: [string, Partial<Load>, { upload: number; resizer: number; origin: number; originNoCdn: number; redisOps: number; first: Resource; util: number }][] = [
    // upload 20 ms × 1000/s = 20 cores at 50% → 40 pods; resize 300 ms → 300 cores at 75% of 2 → 200 pods;
    // origin 1000/s × 0.1 ms = 0.1 core plus 1000 first views/s × 2 ms = 2 cores → 5 pods (10,000/s
    // without the CDN: 1 + 2 cores → 6 pods); Redis memory 86.4 M/day × (10 d × 5000 B + 7 d × 1000 B)
    // = 4.92 TB over 100 GB.
    ['the base load: Redis memory first', {}, { upload: 40, resizer: 200, origin: 5, originNoCdn: 6, redisOps: 50_000, first: 'Redis memory', util: 49.248 }],
    // 0.1 day: 86.4 M × 0.1 × 6000 B = 51.8 GB; the resizer at exactly its 200-pod ceiling wins.
    ['hours of retention: resizer CPU first', { retentionDays: 0.1 }, { upload: 40, resizer: 200, origin: 5, originNoCdn: 6, redisOps: 50_000, first: 'resizer CPU', util: 1 }],
    // No CDN: 1000 × 40 + 10,000 × 10 = 140,000 commands/s over 100,000.
    ['no CDN: Redis ops/s first', { retentionDays: 0.1, cdnHitRatio: 0 }, { upload: 40, resizer: 200, origin: 6, originNoCdn: 6, redisOps: 140_000, first: 'Redis ops/s', util: 1.4 }],
    // 11 MB uploads: 18 + 2 ms/MB × 11 = 40 ms → 80 pods (80% of 100); 2.5 MP halves the resize
    // and the first views (1 ms: 0.1 + 1 core → 3 pods, 2 cores → 4 without the CDN).
    ['big, low-resolution files: upload CPU first', { retentionDays: 0.1, avgUploadBytes: 11e6, avgMegapixels: 2.5 }, { upload: 80, resizer: 100, origin: 3, originNoCdn: 4, redisOps: 50_000, first: 'upload CPU', util: 0.8 }],
    // 0.01 + 0.2 cores → 1 pod; 0.1 + 0.2 → 1.
    ['ten times fewer uploads', { uploadsPerHour: 360_000, retentionDays: 0.1 }, { upload: 4, resizer: 20, origin: 1, originNoCdn: 1, redisOps: 5_000, first: 'resizer CPU', util: 0.1 }],
  ];
  it.each(rows)('%s', (_name, change, want) => {
    const p = planCapacity({ ...base, ...change }, figures, DEFAULT_PRICES);
    expect({
      upload: p.roles.upload.pods,
      resizer: p.roles.resizer.pods,
      origin: p.roles.origin.pods,
      originNoCdn: p.roles.originWithoutCdn.pods,
      redisOps: Math.round(p.redis.opsPerSecond),
      first: p.chokepoints[0]!.resource,
    }).toEqual({ upload: want.upload, resizer: want.resizer, origin: want.origin, originNoCdn: want.originNoCdn, redisOps: want.redisOps, first: want.first });
    expect(p.chokepoints[0]!.utilisation).toBeCloseTo(want.util, 6);
    expect(p.chokepoints.map((c) => c.utilisation)).toEqual([...p.chokepoints.map((c) => c.utilisation)].sort((a, b) => b - a));
  });

  it('sizes storage, Redis memory, egress and the monthly cost', () => {
    const p = planCapacity(base, figures, { ...DEFAULT_PRICES, cpuCoreHour: 0.05, storageGbMonth: 0.02, redisGbMonth: 10, cdnEgressGb: 0.01, egressGb: 0.1, cdnRequestsPer10k: 0.01, objectPutsPer1000: 0.005, originToCdnGb: 0 });
    const perDay = 86_400_000;
    expect(p.storage.bytesPerImage).toBe(1_201_000);
    expect(p.storage.growthBytesPerDay).toBe(perDay * 1_201_000);
    expect(p.storage.heldBytes).toBe(perDay * 1_201_000 * 10);
    expect(p.storage.putsPerSecond).toBe(8000);
    expect(p.redis.memoryBytes).toBe(perDay * (10 * 5000 + 7 * 1000));
    expect(p.redis.shardsForMemory).toBe(50);
    const views = 10_000 * 3600 * HOURS_PER_MONTH;
    expect(p.egress.clientBytesPerMonth).toBeCloseTo(views * 50_000, 0);
    expect(p.egress.originBytesPerMonthWithCdn).toBeCloseTo(views * 50_000 * 0.1, 0);
    // Pods are paid by their request: 40 × 1 + 200 × 2 + 5 × 1 cores (6 origin pods without the CDN).
    expect(p.coresRequested).toEqual({ withCdn: 445, withoutCdn: 446 });
    expect(p.cost.withCdn.compute).toBeCloseTo(445 * HOURS_PER_MONTH * 0.05, 6);
    expect(p.cost.withoutCdn.egress).toBeCloseTo(((views * 50_000) / 1e9) * 0.1, 3);
    expect(p.cost.withCdn.egress).toBe(0);
    expect(p.cost.withCdn.cdn).toBeCloseTo(((views * 50_000) / 1e9) * 0.01 + (views / 10_000) * 0.01, 3);
    expect(p.cost.withCdn.objectPuts).toBeCloseTo(((3_600_000 * HOURS_PER_MONTH * 8) / 1000) * 0.005, 3);
    const c = p.cost.withCdn;
    expect(c.total).toBeCloseTo(c.compute + c.redis + c.storage + c.objectPuts + c.egress + c.cdn, 6);
  });

  it('charges the origin for the display sizes made on first view, once per image whatever the CDN', () => {
    // 30 ms × 0.5 per upload × 1000/s = 15 cores, plus 0.1 (1 without the CDN), over 10 pods at 50%.
    const costly = { ...figures, origin: { ...figures.origin, firstViewCpuMs: 30, firstViewTransformsPerUpload: 0.5 } };
    const p = planCapacity({ ...base, retentionDays: 0.1 }, costly, DEFAULT_PRICES);
    expect(p.firstViewsPerSecond).toBe(500);
    expect(p.cpuMs.firstView).toBe(30);
    expect(p.roles.origin.busyCores).toBeCloseTo(15.1, 9);
    expect(p.roles.originWithoutCdn.busyCores).toBeCloseTo(16, 9);
    expect(p.roles.origin.pods).toBe(31);
    expect(p.chokepoints[0]!.resource).toBe('origin CPU');
    expect(p.chokepoints[0]!.utilisation).toBeCloseTo(15.1 / 5, 9);
    // Twice the pixels, twice the decode.
    expect(planCapacity({ ...base, avgMegapixels: 10 }, costly, DEFAULT_PRICES).cpuMs.firstView).toBe(60);
  });

  it('weights bytes per view by the device mix', () => {
    expect(planCapacity({ ...base, deviceMix: { phone: 0.5, tablet: 0.25, desktop: 0.25 } }, figures, DEFAULT_PRICES).bytesPerView).toBe(87_500);
  });

  it('has no analytics keys or egress without views', () => {
    const p = planCapacity({ ...base, viewsPerImagePerDay: 0 }, figures, DEFAULT_PRICES);
    expect(p.redis.analyticsBytes).toBe(0);
    expect(p.egress.clientBytesPerMonth).toBe(0);
    expect(p.roles.origin.pods).toBe(1);
    expect(p.firstViewsPerSecond).toBe(0);
  });

  it('refuses a nonsensical load, naming every problem', () => {
    expect(() => planCapacity({ ...base, uploadsPerHour: 0, cdnHitRatio: 1.5, deviceMix: { phone: 0.5, watch: 0.2 } }, figures, DEFAULT_PRICES)).toThrow(
      'expected a positive number for uploads per hour but received 0; expected a CDN hit ratio from 0 to 1 but received 1.5; expected a device class of phone, tablet, desktop but received "watch"; expected device shares summing to 1 but they sum to 0.7',
    );
  });
});

describe('the checked-in figures (bench/figures.json)', () => {
  const real = parseFigures(JSON.parse(readFileSync(new URL('../../bench/figures.json', import.meta.url), 'utf8')));
  const brief: Load = { uploadsPerHour: 5_000_000, avgUploadBytes: real.storage.averageOriginalBytes, avgMegapixels: real.resizer.measuredAtMegapixels, viewsPerImagePerDay: 20, deviceMix: { phone: 0.6, desktop: 0.3, tablet: 0.1 }, retentionDays: 30, cdnHitRatio: 0.9 };

  it('reproduce the HPA simulation at its own assumptions (15.7 ms uploads, 127 ms resizes, one 265 ms first view per upload)', () => {
    // bench/hpa-day.ts settles at 33 upload and 106 resizer pods at the 19:00 peak (4.98 M/h; the
    // HPA's 10% tolerance lets it stop a little short of the exact ceil(cores / target)), and its
    // origin sits at its 400-pod cap from 14:00: the 526 pods it would want are over it.
    const p = planCapacity({ ...brief, avgUploadBytes: real.upload.measuredAtBytes }, real, DEFAULT_PRICES);
    expect(p.cpuMs.upload).toBeCloseTo(15.7, 6);
    expect(p.roles.upload.pods).toBe(32);
    expect(p.roles.resizer.pods).toBe(111);
    expect(p.roles.origin.pods).toBe(527);
    expect(p.roles.origin.maxPods).toBe(400);
  });

  // Changed with issue 20: on the sharded, tiered index Redis memory is a cluster's node count
  // (309 primaries at 30 days), no longer the first wall; it is again at a year.
  it('name the origin as the first chokepoint for 5 M uploads/hour kept 30 days, and Redis memory second at a year', () => {
    const p = planCapacity(brief, real, DEFAULT_PRICES);
    expect(p.chokepoints.map((c) => c.resource)).toEqual(['origin CPU', 'upload CPU', 'resizer CPU', 'Redis memory', 'Redis ops/s']);
    expect(p.redis.horizons.map((h) => [h.days, h.primaries])).toEqual([[30, 114], [365, 576]]);
    // A year of images outgrows a 500-primary cluster (576 primaries, with the marginal per-image figures of bench:redis-footprint), second only to the origin.
    expect(planCapacity({ ...brief, retentionDays: 365 }, real, DEFAULT_PRICES).chokepoints.slice(0, 2).map((c) => c.resource)).toEqual(['origin CPU', 'Redis memory']);
    expect(p.roles.upload.pods).toBe(63);
    expect(p.roles.resizer.pods).toBe(111);
    expect(p.roles.origin.pods).toBe(527);
  });
});

describe('parsePrices', () => {
  it('overlays a partial file on the defaults and refuses unknown keys', () => {
    expect(parsePrices({ cpuCoreHour: 0.1 })).toEqual({ ...DEFAULT_PRICES, cpuCoreHour: 0.1 });
    expect(() => parsePrices({ cpuCoreHours: 0.1 })).toThrow(/bad prices/);
    expect(() => parsePrices({ egressGb: -1 })).toThrow(/egressGb/);
  });
});

describe('planCapacity with the tiered index (issue 20)', () => {
  const tiered: Figures = {
    ...figures,
    redis: { ...figures.redis, tiers: { hotIndexBytesPerImage: 1000, coldIndexBytesPerImage: 300, coldAfterDays: 30, searchBytesPerImage: 500, eventBytesPerImage: 400, eventRetentionHours: 12, replicasPerPrimary: 1, maxPrimaries: 10 } },
  };

  it('holds images hot for their first days, cold after, search per image and events only while retained', () => {
    const perDay = 86_400_000;
    // 10 days, all hot: 86.4 M/day × 10 × (1000 + 500) + 3.6 M/h × 12 h × 400 B, plus 7 days of analytics.
    const p = planCapacity(base, tiered, DEFAULT_PRICES);
    expect(p.redis.indexBytes).toBe(perDay * 10 * 1500 + 3_600_000 * 12 * 400);
    // The horizons: 30 days all hot; a year is 30 hot days and 335 cold ones.
    const [month, year] = p.redis.horizons;
    expect(month).toMatchObject({ days: 30, memoryBytes: perDay * 30 * 1500 + 3_600_000 * 12 * 400 + perDay * 7 * 1000 });
    expect(year!.memoryBytes).toBe(perDay * (30 * 1000 + 335 * 300 + 365 * 500) + 3_600_000 * 12 * 400 + perDay * 7 * 1000);
    expect(year!.primaries).toBe(Math.ceil(year!.memoryBytes / 100e9));
    expect(year!.nodes).toBe(2 * year!.primaries);
    // The memory ceiling is the cluster's: 10 primaries of 100 GB.
    const memory = p.chokepoints.find((c) => c.resource === 'Redis memory')!;
    expect(memory.capacity).toBe(10 * 100e9);
  });

  it('without tiers, the flat figure as before, and the horizons still printed', () => {
    const p = planCapacity(base, figures, DEFAULT_PRICES);
    expect(p.redis.horizons.map((h) => h.days)).toEqual([30, 365]);
    expect(p.redis.horizons[0]!.memoryBytes).toBe(86_400_000 * (30 * 5000 + 7 * 1000));
  });
});

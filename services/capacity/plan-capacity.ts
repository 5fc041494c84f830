import type { Figures } from './figures.js';
import type { Prices } from './prices.js';

/** The load to plan for. Rates are steady peak rates; sizes are averages. */
export interface Load {
  uploadsPerHour: number;
  avgUploadBytes: number;
  /** Pixels per upload, in millions: the resizer's cost grows with them, not with bytes. */
  avgMegapixels: number;
  /** Views an image gets; the steady request rate is uploads/s × this (most views come in an image's first day). */
  viewsPerImagePerDay: number;
  /** Share of views by device class, summing to 1: `phone`, `tablet`, `desktop`, `save-data`, `legacy`. */
  deviceMix: Record<string, number>;
  /** How long images are kept: what storage and the Redis index hold at steady state. */
  retentionDays: number;
  cdnHitRatio: number;
}

export type Resource = 'upload CPU' | 'resizer CPU' | 'origin CPU' | 'Redis ops/s' | 'Redis memory';

export interface RolePlan {
  /** Cores kept busy by the load. */
  busyCores: number;
  /** Pods the HPA settles on: busy cores over (cores per pod × CPU target). */
  pods: number;
  maxPods: number;
  coresPerPod: number;
}

export interface Chokepoint {
  resource: Resource;
  demand: number;
  capacity: number;
  /** Demand over capacity; past 1 it is saturated. */
  utilisation: number;
  unit: string;
}

export interface CostLines {
  compute: number;
  redis: number;
  storage: number;
  objectPuts: number;
  egress: number;
  cdn: number;
  total: number;
}

export interface Plan {
  load: Load;
  uploadsPerSecond: number;
  viewsPerSecond: number;
  originRequestsPerSecond: number;
  bytesPerView: number;
  /** `firstView` is one on-demand display size; the origin makes `firstViewsPerSecond` of them. */
  cpuMs: { upload: number; resize: number; originRequest: number; firstView: number };
  firstViewsPerSecond: number;
  roles: { upload: RolePlan; resizer: RolePlan; origin: RolePlan; originWithoutCdn: RolePlan };
  coresRequested: { withCdn: number; withoutCdn: number };
  redis: { opsPerSecond: number; opsPerSecondWithoutCdn: number; indexBytes: number; analyticsBytes: number; memoryBytes: number; shardsForMemory: number; shardsForOps: number; horizons: RedisHorizon[] };
  storage: { bytesPerImage: number; growthBytesPerDay: number; growthBytesPerMonth: number; heldBytes: number; putsPerSecond: number };
  egress: { clientBytesPerMonth: number; originBytesPerMonthWithCdn: number };
  cost: { withCdn: CostLines; withoutCdn: CostLines };
  /** Every bounded resource, the one that saturates first at the top. */
  chokepoints: Chokepoint[];
}

/** Redis sized for images kept `days`: memory, primaries (for memory and for commands/s, the larger) and nodes with replicas. */
export interface RedisHorizon {
  days: number;
  memoryBytes: number;
  primaries: number;
  nodes: number;
}

/** The horizons `imgsvc capacity` always prints, whatever the retention asked. */
export const REDIS_HORIZONS_DAYS = [30, 365] as const;

export const HOURS_PER_MONTH = 730;
const GB = 1e9;

/** Pure: the fleet, storage, traffic and monthly cost for a load, from measured figures and unit prices. */
export function planCapacity(load: Load, figures: Figures, prices: Prices): Plan {
  checkLoad(load, figures);
  const uploadsPerSecond = load.uploadsPerHour / 3600;
  const uploadsPerDay = load.uploadsPerHour * 24;
  const viewsPerSecond = uploadsPerSecond * load.viewsPerImagePerDay;
  const originRequestsPerSecond = viewsPerSecond * (1 - load.cdnHitRatio);
  const bytesPerView = Object.entries(load.deviceMix).reduce((s, [device, share]) => s + share * figures.origin.bytesPerView[device]!, 0);

  // An upload's cost: a fixed part (decode check, HTTP, Redis) and a part that grows with its
  // bytes (hashing, writing), split as bench:upload measured against its hash-and-write sink.
  const u = figures.upload;
  const uploadCpuMs = u.cpuMsPerUpload - u.byteCpuMsAtMeasuredSize + (u.byteCpuMsAtMeasuredSize / u.measuredAtBytes) * load.avgUploadBytes;
  const resizeCpuMs = (figures.resizer.cpuMsPerImage * load.avgMegapixels) / figures.resizer.measuredAtMegapixels;
  const originCpuMs = figures.origin.cpuMsPerRequest;
  // Display sizes are made on demand by the origin, once per image and size whatever the CDN
  // does, and decode the whole original like the eager set: in proportion to pixels too.
  const firstViewCpuMs = (figures.origin.firstViewCpuMs * load.avgMegapixels) / figures.resizer.measuredAtMegapixels;
  const firstViewsPerSecond = load.viewsPerImagePerDay > 0 ? uploadsPerSecond * figures.origin.firstViewTransformsPerUpload : 0;
  const firstViewCoreMs = firstViewsPerSecond * firstViewCpuMs;

  const upload = role(uploadsPerSecond * uploadCpuMs, figures.upload);
  const resizer = role(uploadsPerSecond * resizeCpuMs, figures.resizer);
  const origin = role(originRequestsPerSecond * originCpuMs + firstViewCoreMs, figures.origin);
  const originWithoutCdn = role(viewsPerSecond * originCpuMs + firstViewCoreMs, figures.origin);

  const r = figures.redis;
  const opsPerSecond = uploadsPerSecond * r.commandsPerUpload + originRequestsPerSecond * r.commandsPerOriginView;
  const opsPerSecondWithoutCdn = uploadsPerSecond * r.commandsPerUpload + viewsPerSecond * r.commandsPerOriginView;
  const indexBytesFor = (days: number) => indexBytesHeld(r, uploadsPerDay, days);
  const indexBytes = indexBytesFor(load.retentionDays);
  // Analytics keys are written for an image the day it is viewed and expire after their retention.
  const analyticsBytesFor = (days: number) => (load.viewsPerImagePerDay > 0 ? uploadsPerDay * Math.min(days, r.analyticsRetentionDays) * r.analyticsBytesPerImageDay : 0);
  const analyticsBytes = analyticsBytesFor(load.retentionDays);
  const memoryBytes = indexBytes + analyticsBytes;
  const shardsForOps = Math.max(1, Math.ceil(opsPerSecond / r.opsPerSecond));
  const horizons = REDIS_HORIZONS_DAYS.map((days): RedisHorizon => {
    const memory = indexBytesFor(days) + analyticsBytesFor(days);
    const primaries = Math.max(shardsForOps, Math.ceil(memory / r.maxMemoryBytes));
    return { days, memoryBytes: memory, primaries, nodes: primaries * (1 + (r.tiers?.replicasPerPrimary ?? 1)) };
  });

  const s = figures.storage;
  const bytesPerImage = load.avgUploadBytes + s.variantBytesPerImage + s.manifestBytesPerImage;
  const growthBytesPerDay = uploadsPerDay * bytesPerImage;
  const heldBytes = growthBytesPerDay * load.retentionDays;
  const clientBytesPerMonth = viewsPerSecond * 3600 * HOURS_PER_MONTH * bytesPerView;
  const originBytesPerMonthWithCdn = clientBytesPerMonth * (1 - load.cdnHitRatio);

  const uploadsPerMonth = load.uploadsPerHour * HOURS_PER_MONTH;
  const shared = {
    redis: (memoryBytes / GB) * prices.redisGbMonth,
    storage: (heldBytes / GB) * prices.storageGbMonth,
    objectPuts: ((uploadsPerMonth * s.objectsWrittenPerImage) / 1000) * prices.objectPutsPer1000,
  };
  // Pods are paid for by their CPU request, busy or not.
  const requested = (originPlan: RolePlan) => [upload, resizer, originPlan].reduce((sum, p) => sum + p.pods * p.coresPerPod, 0);
  const coresRequested = { withCdn: requested(origin), withoutCdn: requested(originWithoutCdn) };
  const compute = (cores: number) => cores * HOURS_PER_MONTH * prices.cpuCoreHour;
  const withCdn = total({
    compute: compute(coresRequested.withCdn),
    ...shared,
    egress: (originBytesPerMonthWithCdn / GB) * prices.originToCdnGb,
    cdn: (clientBytesPerMonth / GB) * prices.cdnEgressGb + ((viewsPerSecond * 3600 * HOURS_PER_MONTH) / 10_000) * prices.cdnRequestsPer10k,
  });
  const withoutCdn = total({ compute: compute(coresRequested.withoutCdn), ...shared, egress: (clientBytesPerMonth / GB) * prices.egressGb, cdn: 0 });

  const chokepoints: Chokepoint[] = [
    cpuChoke('upload CPU', upload, figures.upload),
    cpuChoke('resizer CPU', resizer, figures.resizer),
    cpuChoke('origin CPU', origin, figures.origin),
    ...redisChokes(r, opsPerSecond, memoryBytes),
  ].sort((a, b) => b.utilisation - a.utilisation);

  return {
    load,
    uploadsPerSecond,
    viewsPerSecond,
    originRequestsPerSecond,
    bytesPerView,
    cpuMs: { upload: uploadCpuMs, resize: resizeCpuMs, originRequest: originCpuMs, firstView: firstViewCpuMs },
    firstViewsPerSecond,
    roles: { upload, resizer, origin, originWithoutCdn },
    coresRequested,
    redis: {
      opsPerSecond,
      opsPerSecondWithoutCdn,
      indexBytes,
      analyticsBytes,
      memoryBytes,
      shardsForMemory: Math.max(1, Math.ceil(memoryBytes / r.maxMemoryBytes)),
      shardsForOps,
      horizons,
    },
    storage: { bytesPerImage, growthBytesPerDay, growthBytesPerMonth: (growthBytesPerDay * HOURS_PER_MONTH) / 24, heldBytes, putsPerSecond: uploadsPerSecond * s.objectsWrittenPerImage },
    egress: { clientBytesPerMonth, originBytesPerMonthWithCdn },
    cost: { withCdn, withoutCdn },
    chokepoints,
  };
}

/**
 * The index Redis holds for images kept `days`. Tiered (issue 20): each image is hot for its
 * first `coldAfterDays` (its record in Redis) and cold after (dedup and listing entries only);
 * the search index stays per image; events are held for their retention only, whatever the
 * images' retention. Without tiers: the flat per-image figure.
 */
export function indexBytesHeld(r: Figures['redis'], uploadsPerDay: number, days: number): number {
  const t = r.tiers;
  if (!t) return uploadsPerDay * days * r.bytesPerImage;
  const hotDays = Math.min(days, t.coldAfterDays);
  const coldDays = Math.max(0, days - t.coldAfterDays);
  const events = (uploadsPerDay / 24) * Math.min(t.eventRetentionHours, days * 24) * t.eventBytesPerImage;
  return uploadsPerDay * (hotDays * t.hotIndexBytesPerImage + coldDays * t.coldIndexBytesPerImage + days * t.searchBytesPerImage) + events;
}

/**
 * Redis' ceilings: one primary with the flat figures; with the tiered ones (the sharded
 * keyspace, issue 20) a Redis Cluster of up to `maxPrimaries` primaries, since every key and
 * atomic step lives in one of the shards spread over them.
 */
function redisChokes(r: Figures['redis'], opsPerSecond: number, memoryBytes: number): Chokepoint[] {
  const primaries = r.tiers?.maxPrimaries ?? 1;
  const where = primaries === 1 ? 'on one primary' : `on a Redis Cluster of ${primaries} primaries`;
  const ops = r.opsPerSecond * primaries;
  const memory = r.maxMemoryBytes * primaries;
  return [
    { resource: 'Redis ops/s', demand: opsPerSecond, capacity: ops, utilisation: opsPerSecond / ops, unit: `commands/s ${where}` },
    { resource: 'Redis memory', demand: memoryBytes, capacity: memory, utilisation: memoryBytes / memory, unit: `${where} (each at the assumed maxmemory)` },
  ];
}

function role(coreMsPerSecond: number, f: { coresPerPod: number; cpuTarget: number; maxPods: number }): RolePlan {
  const busyCores = coreMsPerSecond / 1000;
  return { busyCores, pods: Math.max(1, Math.ceil(busyCores / (f.coresPerPod * f.cpuTarget) - 1e-9)), maxPods: f.maxPods, coresPerPod: f.coresPerPod };
}

/** A role saturates when its largest fleet (max pods) runs at the HPA's CPU target. */
function cpuChoke(resource: Resource, plan: RolePlan, f: { coresPerPod: number; cpuTarget: number; maxPods: number }): Chokepoint {
  const capacity = f.maxPods * f.coresPerPod * f.cpuTarget;
  return { resource, demand: plan.busyCores, capacity, utilisation: plan.busyCores / capacity, unit: `busy cores (max ${f.maxPods} pods at ${Math.round(f.cpuTarget * 100)}% CPU)` };
}

function total(lines: Omit<CostLines, 'total'>): CostLines {
  return { ...lines, total: lines.compute + lines.redis + lines.storage + lines.objectPuts + lines.egress + lines.cdn };
}

/** Refuses a load the arithmetic would turn into nonsense, every problem at once. */
export function checkLoad(load: Load, figures: Figures): void {
  const problems: string[] = [];
  const positive = (name: string, v: number) => {
    if (!Number.isFinite(v) || v <= 0) problems.push(`expected a positive number for ${name} but received ${v}`);
  };
  positive('uploads per hour', load.uploadsPerHour);
  positive('average upload bytes', load.avgUploadBytes);
  positive('average megapixels', load.avgMegapixels);
  positive('retention days', load.retentionDays);
  if (!Number.isFinite(load.viewsPerImagePerDay) || load.viewsPerImagePerDay < 0) problems.push(`expected zero or more views per image per day but received ${load.viewsPerImagePerDay}`);
  if (!(load.cdnHitRatio >= 0 && load.cdnHitRatio <= 1)) problems.push(`expected a CDN hit ratio from 0 to 1 but received ${load.cdnHitRatio}`);
  const known = Object.keys(figures.origin.bytesPerView);
  for (const [device, share] of Object.entries(load.deviceMix)) {
    if (!known.includes(device)) problems.push(`expected a device class of ${known.join(', ')} but received ${JSON.stringify(device)}`);
    if (!(share >= 0)) problems.push(`expected a share of 0 or more for ${device} but received ${share}`);
  }
  const sum = Object.values(load.deviceMix).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 0.001) problems.push(`expected device shares summing to 1 but they sum to ${Number(sum.toFixed(4))}`);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
}

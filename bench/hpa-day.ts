/**
 * `npm run simulate:hpa`: replays a day of traffic shaped like 5 million uploads an hour at peak
 * through the HPAs the constructs generate, with the documented HPA algorithm (cdk8s/hpa-simulator.ts),
 * and prints the replicas per role that they would choose, hour by hour.
 *
 * Costs are this project's own measurements (BENCHMARKS.md), the same as bench/figures.json
 * (what `imgsvc capacity` plans from): 15.7 ms of CPU per upload (bench:upload, full validation),
 * 127 ms of CPU per image for the eager set (50 px thumbnails and placeholder; bench:resize mean
 * over the corpus photos, it was 338 ms with the 320/640/1280 px WebP eager too); origin behind a
 * CDN at a 90% hit rate at 87.8 µs per cached request (bench:hot-path), plus the display size
 * each image's first view makes on demand (265 ms, bench:resize's 1280 px WebP first view).
 * Pods take 30 s from creation to ready. Nothing here is asserted: it prints figures.
 */
import type { IMetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import { hpa } from '../cdk8s/hpa.js';
import { HpaSimulator } from '../cdk8s/hpa-simulator.js';
import { imageServiceSpec, type RoleName } from '../cdk8s/image-service-spec.js';

const PEAK_UPLOADS_PER_S = 5_000_000 / 3600;
const SYNC_S = 15;
const STARTUP_S = 30;
const COST = {
  uploadCpuS: 0.0157,
  uploadLatencyS: 0.12,
  resizeCpuS: 0.127,
  /**
   * Display variants made on demand per upload: one per image is the worst case (every image
   * viewed at one display size); HPA_FIRST_VIEWS sets another share to compare.
   */
  firstViewTransformsPerUpload: Number(process.env.HPA_FIRST_VIEWS ?? 1),
  firstViewCpuS: 0.265,
  /** Image requests per upload reaching the origin after a 90%-hit CDN (20 views per upload). */
  originRequestsPerUpload: 2,
  originCpuS: 0.0000878,
  originLatencyS: 0.017,
};

/** The resource sized for this load: what a platform team would apply for 5M uploads/h. */
const spec = imageServiceSpec.parse({
  redis: { urlSecretRef: { name: 'redis' } },
  storage: { s3: { bucket: 'images' } },
  upload: { autoscaling: { minReplicas: 2, maxReplicas: 60 } },
  resizer: { autoscaling: { minReplicas: 4, maxReplicas: 400 } },
  // 400: the origin now makes each image's first display size (the eager set no longer does).
  origin: { autoscaling: { minReplicas: 2, maxReplicas: 400 } },
});
/** Origin CPU per request with the first-view transforms spread over the requests. */
const originCpuPerRequest = COST.originCpuS + (COST.firstViewTransformsPerUpload * COST.firstViewCpuS) / COST.originRequestsPerUpload;
const input = { name: 'photos', namespace: 'media', spec };
const cpuRequest = (role: RoleName) => Number(String(spec[role].resources.requests?.cpu ?? '1'));

/** Uploads/s over the day: a night trough at 04:00 (15% of peak), a lunchtime bump, the peak at 20:00, and a 10-minute viral burst at 15:00 (×1.6). */
export function uploadsPerSecond(t: number): number {
  const h = (((t / 3600) % 24) + 24) % 24;
  const smooth = (x: number) => x * x * (3 - 2 * x);
  const day = h >= 4 && h < 20 ? smooth((h - 4) / 16) : 1 - smooth(((h + 24 - 20) % 24) / 8);
  const lunch = 0.08 * Math.exp(-((h - 12.5) ** 2) / 0.8);
  const burst = h >= 15 && h < 15 + 10 / 60 ? 1.6 : 1;
  const wobble = 1 + 0.03 * Math.sin(t / 97) + 0.02 * Math.sin(t / 13);
  return PEAK_UPLOADS_PER_S * Math.min(1.6, (0.15 + 0.85 * day + lunch) * burst) * wobble;
}

interface Fleet {
  sim: HpaSimulator;
  /** Pods by the time they become ready. */
  pods: number[];
}

function fleet(role: RoleName): Fleet {
  const h = hpa(input, role)!;
  const min = h.spec!.minReplicas ?? 1;
  return { sim: new HpaSimulator(h), pods: Array.from({ length: min }, () => 0) };
}

const ready = (f: Fleet, t: number) => f.pods.filter((at) => at <= t).length;

function setReplicas(f: Fleet, t: number, n: number): void {
  while (f.pods.length < n) f.pods.push(t + STARTUP_S);
  // The ReplicaSet controller removes not-yet-ready pods first.
  f.pods.sort((a, b) => a - b);
  f.pods.length = n;
}

const roles = { upload: fleet('upload'), resizer: fleet('resizer'), origin: fleet('origin') };
let queue = 0;
type Hour = { uploads: number; pods: Record<RoleName, number[]>; maxLag: number; maxWaitS: number; podSeconds: Record<RoleName, number> };
const hours: Hour[] = Array.from({ length: 24 }, () => ({ uploads: 0, pods: { upload: [], resizer: [], origin: [] }, maxLag: 0, maxWaitS: 0, podSeconds: { upload: 0, resizer: 0, origin: 0 } }));

// A warm-up day first, so the recorded day starts from the fleet the night before left.
const scratch: Hour = { uploads: 0, pods: { upload: [], resizer: [], origin: [] }, maxLag: 0, maxWaitS: 0, podSeconds: { upload: 0, resizer: 0, origin: 0 } };
for (let t = -86_400; t < 86_400; t += SYNC_S) {
  const rate = uploadsPerSecond(t);
  const hour = t < 0 ? scratch : hours[Math.floor(t / 3600)]!;
  hour.uploads += rate * SYNC_S;

  // The resize queue: arrivals minus what ready resizers finish in this period.
  const resizers = ready(roles.resizer, t);
  const capacity = (resizers * cpuRequest('resizer')) / COST.resizeCpuS;
  queue = Math.max(0, queue + (rate - capacity) * SYNC_S);
  hour.maxLag = Math.max(hour.maxLag, queue);
  hour.maxWaitS = Math.max(hour.maxWaitS, capacity > 0 ? queue / capacity : Infinity);

  const reading = (role: RoleName, requests: number, cpuS: number, latencyS: number) => (m: IMetricSpec) => {
    const n = Math.max(1, ready(roles[role], t));
    const utilisation = (requests * cpuS) / (n * cpuRequest(role));
    if (m.type === 'Resource') return Math.min(utilisation, 2) * 100;
    if (m.type === 'Pods') return (requests * latencyS) / (1 - Math.min(utilisation, 0.95)) / n;
    return queue;
  };
  const readings: Record<RoleName, (m: IMetricSpec) => number> = {
    upload: reading('upload', rate, COST.uploadCpuS, COST.uploadLatencyS),
    resizer: reading('resizer', rate, COST.resizeCpuS, 0),
    origin: reading('origin', rate * COST.originRequestsPerUpload, originCpuPerRequest, COST.originLatencyS),
  };
  for (const role of ['upload', 'resizer', 'origin'] as const) {
    const f = roles[role];
    setReplicas(f, t, f.sim.sync(t, f.pods.length, readings[role]));
    hour.pods[role].push(f.pods.length);
    hour.podSeconds[role] += f.pods.length * SYNC_S;
  }
}

const fmt = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}`.padStart(9);
console.log(`HPA simulation: one day, peak ${Math.round(PEAK_UPLOADS_PER_S)} uploads/s (5M/h), HPA sync ${SYNC_S} s, pod start ${STARTUP_S} s`);
console.log(`HPAs from cdk8s/hpa.ts: upload ${describe('upload')}; resizer ${describe('resizer')}; origin ${describe('origin')}\n`);
console.log('hour  uploads/h   upload pods  resizer pods  origin pods  queue max  wait max');
hours.forEach((h, i) => {
  console.log(
    `${String(i).padStart(2, '0')}:00 ${Math.round(h.uploads).toLocaleString('en').padStart(11)}  ${fmt(h.pods.upload)}     ${fmt(h.pods.resizer)}    ${fmt(h.pods.origin)}  ${Math.round(h.maxLag).toLocaleString('en').padStart(9)}  ${h.maxWaitS.toFixed(1).padStart(6)} s`,
  );
});
const total = (role: RoleName) => hours.reduce((s, h) => s + h.podSeconds[role], 0) / 3600;
const peak = (role: RoleName) => Math.max(...hours.flatMap((h) => h.pods[role]));
console.log('\nrole     pod-hours  peak pods  static-at-peak pod-hours  saved');
for (const role of ['upload', 'resizer', 'origin'] as const) {
  const used = total(role);
  const staticHours = peak(role) * 24;
  console.log(`${role.padEnd(8)} ${used.toFixed(0).padStart(9)}  ${String(peak(role)).padStart(9)}  ${String(staticHours).padStart(24)}  ${((1 - used / staticHours) * 100).toFixed(0).padStart(4)}%`);
}
const coreHours = (['upload', 'resizer', 'origin'] as const).reduce((sum, role) => sum + total(role) * cpuRequest(role), 0);
console.log(`\nrequested core-hours, all roles: ${coreHours.toFixed(0)} (first-view transforms per upload: ${COST.firstViewTransformsPerUpload})`);
console.log(`uploads in the day: ${Math.round(hours.reduce((s, h) => s + h.uploads, 0)).toLocaleString('en')}`);

function describe(role: RoleName): string {
  const h = hpa(input, role)!.spec!;
  const metrics = h.metrics!.map((m) => (m.type === 'Resource' ? `cpu ${m.resource!.target.averageUtilization}%` : m.type === 'Pods' ? `in-flight ${m.pods!.target.averageValue}/pod` : `queue lag ${m.external!.target.averageValue}/pod`));
  return `${h.minReplicas}–${h.maxReplicas} on ${metrics.join(' + ')}`;
}

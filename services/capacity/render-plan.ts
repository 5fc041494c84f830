import type { Chokepoint, CostLines, Plan } from './plan-capacity.js';

/** Pure: the plan as text for a person, in the order an operator reads it: load, fleet, data, money, limits. */
export function renderPlan(p: Plan): string {
  const l = p.load;
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(28)} ${value}`);
  out.push(`Capacity for ${int(l.uploadsPerHour)} uploads/hour (${int(p.uploadsPerSecond)}/s), ${bytes(l.avgUploadBytes)} and ${l.avgMegapixels} MP per upload`);
  out.push(`  views: ${num(l.viewsPerImagePerDay)} per image per day, ${int(p.viewsPerSecond)}/s; device mix ${Object.entries(l.deviceMix).map(([d, s]) => `${d} ${pct(s)}`).join(', ')}; CDN hit ratio ${pct(l.cdnHitRatio)}; retention ${l.retentionDays} days`);
  out.push(`  CPU per unit: upload ${l2(p.cpuMs.upload)} ms, resize ${l2(p.cpuMs.resize)} ms, origin request ${p.cpuMs.originRequest} ms, first view ${l2(p.cpuMs.firstView)} ms`);
  out.push('', 'Fleet (pods at the HPA CPU targets)');
  row('upload', `${l2(p.roles.upload.busyCores)} cores busy, ${plural(p.roles.upload.pods, 'pod')} (max ${p.roles.upload.maxPods})`);
  row('resizer', `${l2(p.roles.resizer.busyCores)} cores busy, ${plural(p.roles.resizer.pods, 'pod')} (max ${p.roles.resizer.maxPods})`);
  row('origin, behind the CDN', `${l2(p.roles.origin.busyCores)} cores busy, ${plural(p.roles.origin.pods, 'pod')} for ${int(p.originRequestsPerSecond)} requests/s${firstViews(p)}`);
  row('origin, without a CDN', `${l2(p.roles.originWithoutCdn.busyCores)} cores busy, ${plural(p.roles.originWithoutCdn.pods, 'pod')} for ${int(p.viewsPerSecond)} requests/s${firstViews(p)}`);
  row('cores requested', `${int(p.coresRequested.withCdn)} with the CDN, ${int(p.coresRequested.withoutCdn)} without`);
  out.push('', 'Redis');
  row('commands/s', `${int(p.redis.opsPerSecond)} (${int(p.redis.opsPerSecondWithoutCdn)} without a CDN); ${plural(p.redis.shardsForOps, 'primary', 'primaries')} for that at the measured rate`);
  row('memory', `${bytes(p.redis.memoryBytes)}: index ${bytes(p.redis.indexBytes)}, analytics ${bytes(p.redis.analyticsBytes)}; ${plural(p.redis.shardsForMemory, 'primary', 'primaries')} at the assumed maxmemory`);
  for (const h of p.redis.horizons) {
    row(`images kept ${h.days === 365 ? '1 year' : `${h.days} days`}`, `${bytes(h.memoryBytes)}: ${plural(h.primaries, 'primary', 'primaries')}, ${plural(h.nodes, 'node')} with replicas`);
  }
  out.push('', 'Storage');
  row('per image', `${bytes(p.storage.bytesPerImage)} (original, eager variants, manifest)`);
  row('growth', `${bytes(p.storage.growthBytesPerDay)}/day, ${bytes(p.storage.growthBytesPerMonth)}/month`);
  row(`held at ${l.retentionDays} days' retention`, bytes(p.storage.heldBytes));
  row('object writes', `${int(p.storage.putsPerSecond)} PUTs/s`);
  out.push('', 'Egress per month');
  row('to clients', `${bytes(p.egress.clientBytesPerMonth)} (${bytes(p.bytesPerView)} per view)`);
  row('from origin, with the CDN', bytes(p.egress.originBytesPerMonthWithCdn));
  out.push('', 'Monthly cost (USD, from the unit prices)');
  out.push(`  ${''.padEnd(28)} ${'with CDN'.padStart(14)} ${'without CDN'.padStart(14)}`);
  for (const key of ['compute', 'redis', 'storage', 'objectPuts', 'egress', 'cdn', 'total'] as const) {
    out.push(`  ${COST_LABELS[key].padEnd(28)} ${usd(p.cost.withCdn[key]).padStart(14)} ${usd(p.cost.withoutCdn[key]).padStart(14)}`);
  }
  out.push('', 'Chokepoints (demand / ceiling, the first to saturate on top)');
  for (const c of p.chokepoints) out.push(`  ${c.resource.padEnd(14)} ${pct(c.utilisation).padStart(8)}  ${describe(c)}`);
  const first = p.chokepoints[0]!;
  out.push('', first.utilisation >= 1
    ? `First chokepoint: ${first.resource}, at ${pct(first.utilisation)} of its ceiling: this load does not fit until it is raised.`
    : `First chokepoint: ${first.resource}, at ${pct(first.utilisation)} of its ceiling: it saturates when the load grows ${num(1 / first.utilisation)}x.`);
  return `${out.join('\n')}\n`;
}

const firstViews = (p: Plan) => (p.firstViewsPerSecond > 0 ? ` and ${int(p.firstViewsPerSecond)} first views/s` : '');

const COST_LABELS: Record<keyof CostLines, string> = {
  compute: 'compute (pods)',
  redis: 'Redis memory',
  storage: 'storage held',
  objectPuts: 'object PUTs',
  egress: 'egress (cloud)',
  cdn: 'CDN (egress + requests)',
  total: 'total',
};

function describe(c: Chokepoint): string {
  const fmt = c.resource === 'Redis memory' ? bytes : c.resource === 'Redis ops/s' ? int : l2;
  return `${fmt(c.demand)} of ${fmt(c.capacity)} ${c.unit}`;
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : v < 10 ? 2 : 1)} ${units[i]}`;
}
const plural = (n: number, one: string, many = `${one}s`) => `${Math.round(n).toLocaleString('en-US')} ${n === 1 ? one : many}`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const num = (n: number) => Number(n.toPrecision(3)).toLocaleString('en-US');
const l2 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const pct = (n: number) => `${Number((n * 100).toPrecision(3)).toLocaleString('en-US')}%`;
const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

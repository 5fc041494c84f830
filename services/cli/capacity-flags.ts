import type { Figures } from '../capacity/figures.js';
import type { Load } from '../capacity/plan-capacity.js';

export interface CapacityFlags {
  uploadsPerHour?: string;
  avgUploadBytes?: string;
  avgMegapixels?: string;
  viewsPerImagePerDay?: string;
  deviceMix?: string;
  retentionDays?: string;
  cdnHitRatio?: string;
  figures?: string;
  prices?: string;
  json?: boolean;
}

export const DEFAULT_DEVICE_MIX = 'phone=0.6,desktop=0.3,tablet=0.1';
export const DEFAULT_RETENTION_DAYS = 30;
export const DEFAULT_UPLOADS_PER_HOUR = 5_000_000;

const SUFFIXES: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, b: 1 };

/** "5000000", "5,000,000", "5M", "3.4MB", "512KiB" → a number; NaN when it is none of those. Pure. */
export function parseQuantity(text: string): number {
  const m = /^\s*([\d_,]*\.?\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return NaN;
  const factor = SUFFIXES[m[2]!.toLowerCase()];
  return factor === undefined ? NaN : Number(m[1]!.replace(/[_,]/g, '')) * factor;
}

/** "phone=0.6,desktop=0.3,tablet=0.1" → shares; percentages ("phone=60%") work too. Pure. */
export function parseDeviceMix(text: string): Record<string, number> | string {
  const mix: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)=(\d*\.?\d+)(%?)$/i.exec(part);
    if (!m) return `expected device=share pairs such as ${DEFAULT_DEVICE_MIX} for --device-mix but received ${JSON.stringify(part)}`;
    mix[m[1]!.toLowerCase()] = Number(m[2]) / (m[3] ? 100 : 1);
  }
  return mix;
}

/** The load from the flags, with defaults from the measured figures; every problem collected. */
export function loadFromFlags(flags: CapacityFlags, figures: Figures): Load | { problems: string[] } {
  const problems: string[] = [];
  const quantity = (flag: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = parseQuantity(value);
    if (!Number.isFinite(n)) problems.push(`expected a number for ${flag} but received ${JSON.stringify(value)}`);
    return n;
  };
  const mix = parseDeviceMix(flags.deviceMix ?? DEFAULT_DEVICE_MIX);
  if (typeof mix === 'string') problems.push(mix);
  const load: Load = {
    uploadsPerHour: quantity('--uploads-per-hour', flags.uploadsPerHour, DEFAULT_UPLOADS_PER_HOUR),
    avgUploadBytes: quantity('--avg-upload-bytes', flags.avgUploadBytes, figures.storage.averageOriginalBytes),
    avgMegapixels: quantity('--avg-megapixels', flags.avgMegapixels, figures.resizer.measuredAtMegapixels),
    viewsPerImagePerDay: quantity('--views-per-image-per-day', flags.viewsPerImagePerDay, figures.traffic.viewsPerImagePerDay),
    deviceMix: typeof mix === 'string' ? {} : mix,
    retentionDays: quantity('--retention-days', flags.retentionDays, DEFAULT_RETENTION_DAYS),
    cdnHitRatio: quantity('--cdn-hit-ratio', flags.cdnHitRatio, figures.traffic.cdnHitRatio),
  };
  return problems.length > 0 ? { problems } : load;
}

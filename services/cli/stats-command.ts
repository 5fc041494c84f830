/**
 * `imgsvc stats`: the fleet summary and the top images, read from a running service's
 * analytics API and printed for a person. Going through the API (not Redis) works against any
 * deployment, local or behind an ingress, with no Redis credentials.
 */
import { clientKey } from './client-key.js';
import { readClientSettings } from './client-settings.js';
import { serviceUrl } from './running-service.js';

export interface StatsFlags {
  url?: string;
  key?: string;
  window?: string;
  by?: string;
  limit?: string;
}

interface Summary {
  requests: number;
  bytes: number;
  savedBytes: number;
  uploads: number;
  hitRatio: number | null;
  byFormat: Record<string, number>;
  byDevice: Record<string, number>;
}

interface Top {
  window: string;
  by: 'requests' | 'bytes';
  images: { id: string; value: number }[];
}

export async function runStats(flags: StatsFlags, env: Record<string, string | undefined>, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { settings, problems } = readClientSettings(flags, env);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`imgsvc stats: ${p}\n`);
    return 1;
  }
  const base = serviceUrl(settings);
  const key = clientKey(settings);
  const getJson = <T>(url: string) => getJsonWith<T>(url, key);
  try {
    const summary = await getJson<Summary>(`${base}/v1/analytics/summary`);
    const query = new URLSearchParams({ window: flags.window ?? '24h', by: flags.by ?? 'requests', limit: flags.limit ?? '10' });
    const top = await getJson<Top>(`${base}/v1/analytics/top?${query}`);
    out.write(renderStats(summary, top, base));
    return 0;
  } catch (err) {
    process.stderr.write(`imgsvc: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function getJsonWith<T>(url: string, key: string | undefined): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  } catch (err) {
    throw new Error(`cannot reach ${url} (${(err as Error).cause ?? (err as Error).message}); is imgsvc running? pass --url`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: { message: string } };
  if (res.status === 401 && !key) throw new Error(`${url} needs an admin API key: pass --key, set IMGSVC_API_KEY, or run where ./data/admin-key is`);
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${body.error?.message ?? 'no message'}`);
  return body;
}

/** Pure: the report as text. */
export function renderStats(summary: Summary, top: Top, base: string): string {
  const lines: string[] = [];
  lines.push(`imgsvc at ${base}`, '');
  lines.push('Fleet, all time');
  lines.push(`  image requests  ${summary.requests.toLocaleString('en-US')}`);
  lines.push(`  bytes served    ${bytes(summary.bytes)}`);
  lines.push(`  bytes saved     ${bytes(summary.savedBytes)}${summary.bytes + summary.savedBytes > 0 ? ` (${((summary.savedBytes / (summary.bytes + summary.savedBytes)) * 100).toFixed(1)}% of what the originals would have cost)` : ''}`);
  lines.push(`  cache hit ratio ${summary.hitRatio === null ? 'n/a' : `${(summary.hitRatio * 100).toFixed(1)}%`}`);
  lines.push(`  images          ${summary.uploads.toLocaleString('en-US')}`);
  lines.push(`  formats         ${mix(summary.byFormat)}`);
  lines.push(`  devices         ${mix(summary.byDevice)}`);
  lines.push('', `Top ${top.images.length} images by ${top.by}, last ${top.window}`);
  if (top.images.length === 0) lines.push('  (no image requests in this window)');
  const width = String(top.images.length).length;
  top.images.forEach((image, i) => {
    const value = top.by === 'bytes' ? bytes(image.value) : `${image.value.toLocaleString('en-US')} requests`;
    lines.push(`  ${String(i + 1).padStart(width)}. ${image.id}  ${value.padStart(16)}  ${base}/i/${image.id}`);
  });
  return `${lines.join('\n')}\n`;
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function mix(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return 'n/a';
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${((n / total) * 100).toFixed(0)}%`)
    .join(', ');
}

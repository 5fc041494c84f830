import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { formatBytes } from '../images.js';
import { Tally, TimeBars } from '../parts/chart.js';

interface Counts {
  requests: number;
  bytes: number;
  savedBytes: number;
}
interface Stats {
  allTime: Counts & { byFormat: Record<string, number>; byDevice: Record<string, number> };
  range: Counts & { distinctViewers: number };
  series: (Counts & { t: string })[];
}

/** Per-image analytics as charts: views over time, formats, devices, bytes saved. */
export function PhotoStats({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const [days, setDays] = useState(1);
  const [stats, setStats] = useState<Stats | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    if (!open) return;
    const from = new Date(Date.now() - days * 86_400_000).toISOString();
    api<Stats>('GET', `/v1/images/${id}/stats?from=${encodeURIComponent(from)}&granularity=${days > 2 ? 'day' : 'hour'}`).then(setStats, (err) => setError(messageOf(err)));
  }, [open, days, id]);
  return (
    <details class="stats" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Analytics</summary>
      {error ? <p role="alert" class="error">{error}</p> : null}
      <label class="inline">
        Period{' '}
        <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          <option value={1}>24 hours</option>
          <option value={7}>7 days</option>
          <option value={30}>30 days</option>
        </select>
      </label>
      {stats ? (
        <>
          <p>
            {stats.range.requests} views by {stats.range.distinctViewers} viewers in the period; {stats.allTime.requests} in all, {formatBytes(stats.allTime.bytes)} sent, {formatBytes(stats.allTime.savedBytes)} saved against the original.
          </p>
          <TimeBars label="Views over time" unit="views" points={stats.series.map((s) => ({ t: s.t, v: s.requests }))} />
          <div class="tallies">
            <Tally label="Formats served" data={stats.allTime.byFormat} />
            <Tally label="Devices" data={stats.allTime.byDevice} />
          </div>
        </>
      ) : null}
    </details>
  );
}

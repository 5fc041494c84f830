/** Small hand-drawn SVG charts: bars over time and labelled horizontal bars. No chart library needed for these two. */

export function TimeBars({ points, label, unit }: { points: { t: string; v: number }[]; label: string; unit: string }) {
  const W = 600;
  const H = 160;
  const max = Math.max(1, ...points.map((p) => p.v));
  const bw = points.length ? W / points.length : W;
  const total = points.reduce((s, p) => s + p.v, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: ${total} ${unit} in all, at most ${max} in one interval`} preserveAspectRatio="none">
        <line x1="0" y1={H} x2={W} y2={H} class="axis" />
        {points.map((p, i) => {
          const h = (p.v / max) * (H - 10);
          return (
            <rect key={p.t} x={i * bw + 1} y={H - h} width={Math.max(1, bw - 2)} height={h} class="bar">
              <title>{`${new Date(p.t).toLocaleString()}: ${p.v} ${unit}`}</title>
            </rect>
          );
        })}
      </svg>
      <div class="ticks" aria-hidden="true">
        <span>{points[0] ? new Date(points[0].t).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : ''}</span>
        <span>at most {max}</span>
      </div>
      <figcaption>{label}</figcaption>
    </figure>
  );
}

export function Tally({ data, label }: { data: Record<string, number>; label: string }) {
  const entries = Object.entries(data).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, v]) => v));
  return (
    <figure class="chart tally">
      <figcaption>{label}</figcaption>
      {entries.length === 0 ? <p class="empty">None yet</p> : null}
      <ul>
        {entries.map(([k, v]) => (
          <li key={k}>
            <span class="tally-key">{k}</span>
            <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" class="tally-bar">
              <rect x="0" y="0" width={(v / max) * 100} height="10" class="bar" />
            </svg>
            <span class="tally-value">{v}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

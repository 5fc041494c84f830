import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { query?: string | { query: string } }[] };
}

const dashboard = JSON.parse(await readFile(fileURLToPath(new URL('../../charts/imgsvc-operator/dashboards/imgsvc.json', import.meta.url)), 'utf8')) as Dashboard;
const expressions = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

let t: TestService;
let prometheus: TestPrometheus;
let imageRequests = 0;

beforeAll(async () => {
  t = await startTestService();
  const jpeg = await readFile(corpusPath('photos/starfish.jpg'));
  const up = await uploadBytes(t.url, jpeg, 'image/jpeg');
  await uploadBytes(t.url, jpeg, 'image/jpeg'); // deduplicated
  await uploadBytes(t.url, Buffer.from('not an image'), 'image/jpeg'); // rejected
  await waitForStatus(t.url, up.body.id as string);
  const phone = { accept: 'image/avif,image/webp,*/*', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148' };
  for (const [path, headers] of [
    [`/i/${up.body.id}`, phone],
    [`/i/${up.body.id}`, phone],
    [`/i/${up.body.id}/thumb`, { accept: 'image/webp' }],
    [`/i/${up.body.id}?w=100&fmt=jpeg`, {}],
  ] as const) {
    expect((await getBytes(`${t.url}${path}`, headers)).status).toBe(200);
    imageRequests++;
  }
  await t.service.recorder.flush();
});

afterAll(async () => {
  await prometheus?.stop();
  await t.stop();
});

function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('Grafana dashboard', () => {
  it('uses only metric names the service really exports', async () => {
    const names = exportedNames(await (await fetch(`${t.url}/metrics`)).text());
    expect(expressions.length).toBeGreaterThan(15);
    const queries = [...expressions.map((e) => e.expr), ...dashboard.templating.list.map((v) => (typeof v.query === 'string' ? v.query : v.query?.query ?? ''))];
    const missing: string[] = [];
    for (const expr of queries) for (const [name] of expr.matchAll(/\bimgsvc_[a-z0-9_]+/g)) if (!names.has(name)) missing.push(name);
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('a real Prometheus', () => {
  it('scrapes /metrics and answers queries with the values the traffic produced', async () => {
    prometheus = await startPrometheus(new URL(t.url).host);
    await vi.waitFor(
      async () => {
        const up = await prometheus.query('up{job="imgsvc"}');
        expect(up.data.result[0]?.value[1]).toBe('1');
        const served = await prometheus.query('sum(imgsvc_http_requests_total{route="/i/:id",status="200"})');
        expect(Number(served.data.result[0]?.value[1])).toBe(imageRequests);
      },
      { timeout: 20_000, interval: 500 },
    );
    const uploads = await prometheus.query('sum by (outcome) (imgsvc_uploads_total)');
    const byOutcome = Object.fromEntries(uploads.data.result.map((r) => [r.metric.outcome, Number(r.value[1])]));
    expect(byOutcome).toMatchObject({ created: 1, deduplicated: 1, rejected: 1 });
    const tiers = await prometheus.query('sum by (tier) (imgsvc_origin_cache_total)');
    expect(tiers.data.result.map((r) => r.metric.tier).sort()).toEqual(expect.arrayContaining(['memory', 'storage', 'transform']));
    const bytes = await prometheus.query('sum(imgsvc_served_bytes_total{route="/i/:id"})');
    expect(Number(bytes.data.result[0]?.value[1])).toBeGreaterThan(0);
  });

  it('evaluates every dashboard query', async () => {
    for (const { panel, expr } of expressions) {
      const result = await prometheus.query(expr.replaceAll('$job', '.*'));
      expect(result.status, `${panel}: ${expr} ${result.error ?? ''}`).toBe('success');
    }
  });
});

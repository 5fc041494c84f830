#!/usr/bin/env node
// A webhook receiver that purges a CDN when an image goes away or changes visibility.
//
//   WEBHOOK_SECRET=whsec_… PUBLIC_BASE_URL=https://img.example.com \
//   CDN_PURGE_URL=https://api.cloudflare.com/client/v4/zones/<zone id>/purge_cache \
//   CDN_TOKEN=… PORT=8787 node examples/webhook-cdn-purge.mjs
//
// Register it (an admin key receives every owner's events; a user key only their own):
//   curl -X POST https://imgsvc.example.com/v1/webhooks -H "authorization: Bearer $KEY" \
//     -H 'content-type: application/json' \
//     -d '{"url":"https://hooks.example.com/imgsvc","events":["image.deleted","image.visibility_changed"]}'
//
// No dependencies: node:http, node:crypto and fetch. The purge body is Cloudflare's
// ({"files": [...]}); other CDNs take a list of URLs much the same way.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.WEBHOOK_SECRET ?? '';
const base = (process.env.PUBLIC_BASE_URL ?? '').replace(/\/+$/, '');
const purgeUrl = process.env.CDN_PURGE_URL ?? '';
// The named sizes you serve (`/i/<id>/<preset>`): each is its own cached URL.
const presets = (process.env.PRESETS ?? 'thumb,small,medium,large').split(',').filter(Boolean);
const TOLERANCE_SECONDS = 300;
if (!secret.startsWith('whsec_') || !base || !purgeUrl) {
  process.stderr.write('set WEBHOOK_SECRET (whsec_…), PUBLIC_BASE_URL and CDN_PURGE_URL\n');
  process.exit(1);
}
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');

/** Standard Webhooks: HMAC-SHA256 of `<id>.<timestamp>.<body>`; any `v1,` signature may match. */
export function verify(headers, body) {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !/^\d+$/.test(ts ?? '') || Math.abs(Date.now() / 1000 - Number(ts)) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return sigs.some((s) => {
    const [v, sig] = s.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return v === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

// Deliveries are at least once: remember recent events so a redelivery is acknowledged without a
// second purge. An event id is unique within its image's shard of the event stream, so it is kept
// together with the image and the type (two shards can hand out the same id in one millisecond).
const seen = new Set();

async function purge(imageId) {
  const files = [`${base}/i/${imageId}`, ...presets.map((p) => `${base}/i/${imageId}/${p}`)];
  const res = await fetch(purgeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.CDN_TOKEN ?? ''}` },
    body: JSON.stringify({ files }),
  });
  if (!res.ok) throw new Error(`purge answered ${res.status}`);
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method !== 'POST' || !verify(req.headers, body)) return res.writeHead(401).end();
    const event = JSON.parse(body);
    try {
      const once = `${event.id} ${event.type} ${event.imageId}`;
      if ((event.type === 'image.deleted' || event.type === 'image.visibility_changed') && event.imageId && !seen.has(once)) {
        await purge(event.imageId);
        seen.add(once);
        if (seen.size > 10_000) seen.delete(seen.values().next().value);
      }
      res.writeHead(204).end();
    } catch (err) {
      // Not 2xx: imgsvc retries with backoff for up to 24 hours.
      process.stderr.write(`${event.id}: ${err.message}\n`);
      res.writeHead(503).end();
    }
  });
}).listen(Number(process.env.PORT ?? 8787), () => process.stdout.write(`listening on ${process.env.PORT ?? 8787}\n`));

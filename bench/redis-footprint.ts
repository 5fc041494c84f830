/**
 * `npm run bench:redis-footprint`: what one image and one view cost Redis, measured on a real
 * redis-server through the whole service (upload, resize to ready, views of `/i/<id>`):
 * commands per upload (upload + resize job + record updates), commands per view (the batched
 * analytics pipeline, each view of a different image, the worst case for folding), and
 * `used_memory` per image, without and with a day of analytics keys; then, for the corpus photo
 * mix, objects and bytes stored per image. Feeds bench/figures.json.
 */
import { readFile } from 'node:fs/promises';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';
import { jpegVariant } from '../test/helpers/jpeg-variant.js';
import { startTestService } from '../test/helpers/service.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 300);
const t = await startTestService();
const redis = t.redis.client;
const auth = { authorization: `Bearer ${t.adminKey}` };

async function commands(): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) if (!['info', 'ping', 'memory'].includes(m[1]!)) calls += Number(m[2]);
  return calls;
}
async function usedMemory(): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
}
async function waitReady(ids: string[]): Promise<void> {
  for (const id of ids) {
    for (;;) {
      const r = (await (await fetch(`${t.url}/v1/images/${id}`, { headers: auth })).json()) as { status: string };
      if (r.status !== 'processing') break;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
async function storedObjects(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await t.service.store.list('', { cursor, limit: 1000 });
    for (const key of page.keys) out.set(key, (await t.service.store.head(key))?.size ?? 0);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
const settle = async () => {
  // Background loops (repair sweep, supervision, analytics flush) issue commands too: wait for a quiet second.
  let last = await commands();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await commands();
    if (now - last < 20) return now;
    last = now;
  }
};

try {
  const photo = await readFile(corpusPath('orientation/has-lens-info.jpg'));
  await settle();
  const memBefore = await usedMemory();
  const cmdBefore = await commands();
  const ids: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const res = await fetch(`${t.url}/v1/images?tags=bench,footprint&title=${encodeURIComponent(`Image ${i}`)}`, { method: 'POST', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpegVariant(photo, `footprint ${i}`) });
    ids.push(((await res.json()) as { id: string }).id);
  }
  await waitReady(ids);
  const cmdAfterUploads = await settle();
  const memAfterUploads = await usedMemory();
  // The status polls above are GETs of records: subtract them (one HGETALL-like read each) by measuring a poll round alone.
  const pollStart = await commands();
  for (const id of ids) await fetch(`${t.url}/v1/images/${id}`, { headers: auth });
  const pollCost = (await commands()) - pollStart;
  for (const id of ids) await (await fetch(`${t.url}/i/${id}`, { headers: { accept: 'image/avif,image/webp,*/*', 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile' } })).arrayBuffer();
  const cmdAfterViews = await settle();
  const memAfterViews = await usedMemory();

  const uploadCommands = (cmdAfterUploads - cmdBefore - pollCost) / IMAGES;
  const viewCommands = (cmdAfterViews - cmdAfterUploads - pollCost) / IMAGES;
  console.log(`redis footprint over ${IMAGES} images (${photo.length}-byte JPEG, each distinct), one view each`);
  console.log(`commands per upload (upload, job, resize, record updates): ${uploadCommands.toFixed(1)}`);
  console.log(`commands per view (analytics pipeline, views of distinct images, plus serving reads): ${viewCommands.toFixed(1)}`);
  console.log(`used_memory per image (record, indexes, stream entry): ${Math.round((memAfterUploads - memBefore) / IMAGES)} bytes`);
  console.log(`used_memory per image after one view (plus analytics keys): ${Math.round((memAfterViews - memBefore) / IMAGES)} bytes`);

  // Storage per image for the corpus photo mix (the mix bench:resize measured): originals, the
  // eager variants and the manifest, as objects and bytes written.
  const before = await storedObjects();
  const photos = corpusFiles('photos');
  let originalBytes = 0;
  const photoIds: string[] = [];
  for (const f of photos) {
    const bytes = await readFile(corpusPath(f));
    originalBytes += bytes.length;
    const res = await fetch(`${t.url}/v1/images`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: bytes });
    photoIds.push(((await res.json()) as { id: string }).id);
  }
  await waitReady(photoIds);
  const after = await storedObjects();
  const added = [...after].filter(([k]) => !before.has(k));
  const sum = (prefix: string) => added.filter(([k]) => k.startsWith(prefix)).reduce((s, [, n]) => s + n, 0);
  const n = photos.length;
  console.log(`\nstorage over the ${n} corpus photos (${(originalBytes / n / 1e6).toFixed(2)} MB average original):`);
  console.log(`objects written per image: ${(added.length / n).toFixed(1)} (${(added.filter(([k]) => k.startsWith("variants/")).length / n).toFixed(1)} variants)`);
  console.log(`bytes per image: originals ${Math.round(sum('originals/') / n)}, variants ${Math.round(sum('variants/') / n)}, manifests ${Math.round(sum('manifests/') / n)}`);
} finally {
  await t.stop();
}

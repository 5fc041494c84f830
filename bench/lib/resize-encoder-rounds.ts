import sharp, { type OutputInfo } from 'sharp';
import { rgbaToThumbHash, thumbHashToRGBA } from 'thumbhash';
import { DEFAULT_QUALITY } from '../../services/core/quality.js';
import type { VariantSpec } from '../../services/core/variant-spec.js';
import { basePipeline, decodeBase, type DecodedBase } from '../../services/imaging/decode-base.js';
import { INTERMEDIATE_WIDTH } from '../../services/imaging/decode-plan.js';
import { THUMBHASH_INPUT } from '../../services/imaging/placeholder.js';
import { renderOne } from '../../services/imaging/render-one.js';
import { inspectSource } from '../../services/imaging/source-info.js';
import { collect, cpuMs, median } from './cpu-sampling.js';
import { referenceAt, ssimAgainst } from './ssim.js';

/* bench:resize's encoder rounds: the WebP effort of a first view and the ThumbHash input size. */

/**
 * WebP effort for a 1280 px first view, encode only (the pixels decoded before the clock starts,
 * as the transform decodes them): CPU, bytes and SSIM summed or medianed over the photos of
 * 2560 px and more, so a lower effort's CPU saving is printed beside the bytes it costs.
 */
export async function firstViewWebpEfforts(sources: { file: string; bytes: Buffer }[], limits: { maxPixels: number; timeoutSeconds: number }): Promise<void> {
  const width = 1280;
  const inputs: { data: Buffer; info: OutputInfo; reference: Awaited<ReturnType<typeof referenceAt>> }[] = [];
  for (const s of sources) {
    const spec: VariantSpec = { format: 'png', width, quality: 100, animated: false };
    const png = await renderOne(s.bytes, spec, limits);
    const { data, info } = await sharp(png.data).raw().toBuffer({ resolveWithObject: true });
    inputs.push({ data, info, reference: await referenceAt(s.bytes, width) });
  }
  console.log(`\n1280 px WebP q${DEFAULT_QUALITY.webp} first view, encode only, ${sources.length} photos of 2560 px or more (${sources.map((s) => s.file.replace('photos/', '')).join(', ')}):\n`);
  console.log('| effort | CPU ms (all photos, median of 3) | bytes (all photos) | median SSIM |');
  console.log('|---:|---:|---:|---:|');
  for (const effort of [4, 3, 2, 1]) {
    const times: number[] = [];
    let outs: Buffer[] = [];
    for (let r = 0; r < 3; r++) {
      collect();
      const c0 = process.cpuUsage();
      outs = [];
      for (const i of inputs) outs.push(await sharp(i.data, { raw: { width: i.info.width, height: i.info.height, channels: i.info.channels } }).webp({ quality: DEFAULT_QUALITY.webp, effort }).toBuffer());
      times.push(cpuMs(c0));
    }
    const scores = await Promise.all(outs.map((o, k) => ssimAgainst(inputs[k]!.reference, o)));
    console.log(`| ${effort}${effort === 4 ? ' (served)' : ''} | ${median(times).toFixed(0)} | ${outs.reduce((n, o) => n + o.length, 0).toLocaleString('en')} | ${median(scores).toFixed(4)} |`);
  }
}

/**
 * The placeholder's input size: ThumbHash's JavaScript encoder at the served input
 * (THUMBHASH_INPUT) against 100 px, CPU per photo warm (median of 20 after 5 unmeasured) and
 * right after a full GC (as bench:resize measures a job), and how far the decoded previews are
 * apart (mean absolute difference per channel, 0–255).
 */
export async function placeholderInputs(sources: { file: string; bytes: Buffer }[], limits: { maxPixels: number; timeoutSeconds: number }): Promise<void> {
  const bases: DecodedBase[] = [];
  for (const s of sources) bases.push(await decodeBase(s.bytes, await inspectSource(s.bytes, limits), INTERMEDIATE_WIDTH, limits));
  const hash = async (base: DecodedBase, side: number) => {
    const { data, info } = await basePipeline(base, 60).resize(side, side, { fit: 'inside' }).ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return rgbaToThumbHash(info.width, info.height, data);
  };
  const cost = async (side: number, afterGc: boolean) => {
    const samples: number[] = [];
    for (let i = 0; i < 25; i++) {
      if (afterGc) collect();
      const c0 = process.cpuUsage();
      for (const b of bases) await hash(b, side);
      if (i >= 5) samples.push(cpuMs(c0) / bases.length);
    }
    return median(samples);
  };
  const differences: number[] = [];
  let same = 0;
  for (const b of bases) {
    const a = thumbHashToRGBA(await hash(b, 100)).rgba;
    const ours = await hash(b, THUMBHASH_INPUT);
    const c = thumbHashToRGBA(ours).rgba;
    if (Buffer.compare(Buffer.from(ours), Buffer.from(await hash(b, 100))) === 0) same++;
    differences.push(a.length === c.length ? a.reduce((n, v, i) => n + Math.abs(v - c[i]!), 0) / a.length : NaN);
  }
  const rows = [];
  for (const side of [100, THUMBHASH_INPUT]) rows.push(`${side} px: ${(await cost(side, false)).toFixed(2)} ms warm, ${(await cost(side, true)).toFixed(2)} ms after a full GC`);
  console.log(`\nThumbHash per photo (resize from the 256 px intermediate + encode): ${rows.join('; ')}. Served input ${THUMBHASH_INPUT} px: the same hash as 100 px on ${same} of ${bases.length} photos, decoded previews ${Math.max(...differences).toFixed(2)}/255 apart at worst (mean absolute difference)`);
}

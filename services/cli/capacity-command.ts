/**
 * `imgsvc capacity`: what a load needs (cores, pods per role, Redis, storage, egress, a monthly
 * cost) and what saturates first, computed from this project's measured figures
 * (bench/figures.json). The arithmetic is services/capacity/plan-capacity.ts; this file only
 * reads the files and prints.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFigures } from '../capacity/figures.js';
import { planCapacity } from '../capacity/plan-capacity.js';
import { DEFAULT_PRICES, parsePrices } from '../capacity/prices.js';
import { renderPlan } from '../capacity/render-plan.js';
import { loadFromFlags, type CapacityFlags } from './capacity-flags.js';

/** bench/figures.json beside the sources (services/cli) or the build (dist/services/cli). */
export function defaultFiguresPath(): string {
  const candidates = ['../../bench/figures.json', '../../../bench/figures.json'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

export async function runCapacity(flags: CapacityFlags, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const figuresPath = flags.figures ?? defaultFiguresPath();
  try {
    const figures = parseFigures(await readJson(figuresPath, '--figures'));
    const prices = flags.prices ? parsePrices(await readJson(flags.prices, '--prices')) : DEFAULT_PRICES;
    const load = loadFromFlags(flags, figures);
    if ('problems' in load) {
      for (const p of load.problems) err.write(`imgsvc capacity: ${p}\n`);
      return 2;
    }
    const plan = planCapacity(load, figures, prices);
    out.write(flags.json ? `${JSON.stringify({ figures: figuresPath, prices, ...plan }, null, 2)}\n` : renderPlan(plan));
    return 0;
  } catch (e) {
    err.write(`imgsvc capacity: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

async function readJson(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path} (${flag}): ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} (${flag}) is not JSON: ${(e as Error).message}`);
  }
}

import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './repo-root.js';

/** The shared corpus of real images sits beside the repository (../shared/corpus). */
export const CORPUS_DIR = process.env.IMGSVC_CORPUS_DIR ?? resolve(ROOT, '../shared/corpus');

export function corpusPath(relative: string): string {
  const path = join(CORPUS_DIR, relative);
  if (!existsSync(path)) {
    throw new Error(
      `corpus file ${relative} not found under ${CORPUS_DIR}: the tests need ../shared/corpus beside the repository (or IMGSVC_CORPUS_DIR)`,
    );
  }
  return path;
}

/** Every file of a corpus folder, as paths relative to the corpus root. */
export function corpusFiles(folder: string): string[] {
  const dir = corpusPath(folder);
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => `${folder}/${name}`);
}

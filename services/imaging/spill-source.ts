import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpilledSource {
  file: string;
  remove(): Promise<void>;
}

/**
 * The source's bytes in a private temporary file, for a loader option sharp passes only with a
 * file name (`decode.ts`). Undefined when it cannot be written (a full or read-only temporary
 * folder): the transform then decodes from memory at sharp's own scale, slower and a few SSIM
 * thousandths apart, rather than failing. The caller removes it when its pipelines are read.
 */
export async function spillSource(bytes: Buffer): Promise<SpilledSource | undefined> {
  const file = join(tmpdir(), `imgsvc-decode-${randomUUID()}`);
  const remove = () => rm(file, { force: true }).catch(() => undefined);
  try {
    await writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
  } catch {
    await remove();
    return undefined;
  }
  return { file, remove };
}

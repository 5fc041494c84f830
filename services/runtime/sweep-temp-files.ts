import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';

/**
 * Upload temp files are removed on every error path, but a process killed mid-upload cannot
 * clean up after itself. At start, remove upload files old enough that no live upload (in this
 * or another process sharing the folder) can still own them.
 */
export async function sweepTempFiles(dir: string, logger: Logger, olderThanMs = 60 * 60 * 1000): Promise<number> {
  const now = Date.now();
  let removed = 0;
  for (const name of await readdir(dir)) {
    if (!name.startsWith('upload-')) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st && now - st.mtimeMs > olderThanMs) {
      await rm(path, { force: true });
      removed++;
    }
  }
  if (removed > 0) logger.info({ removed, dir }, 'removed stale upload temp files');
  return removed;
}

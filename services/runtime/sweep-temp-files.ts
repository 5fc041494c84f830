import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';

export interface TempFolder {
  dir: string;
  /** Only names starting with this are temp files (the upload folder); all of them when absent. */
  prefix?: string;
}

/**
 * Temp files are removed on every error path, but a process killed mid-upload or mid-write
 * cannot clean up after itself. Removes files old enough that no live upload or store write (in
 * this or another process sharing the folder) can still own them: the safe age must exceed the
 * longest request (uploads time out after 300 s).
 */
export async function sweepTempFiles(folders: TempFolder[], logger: Logger, olderThanMs: number): Promise<number> {
  const now = Date.now();
  let removed = 0;
  for (const { dir, prefix = '' } of folders) {
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const path = join(dir, name);
      const st = await stat(path).catch(() => undefined);
      if (st?.isFile() && now - st.mtimeMs > olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
  }
  if (removed > 0) logger.info({ removed, dirs: folders.map((f) => f.dir) }, 'removed stale temp files');
  return removed;
}

/** Sweeps now, then every `intervalMs` (none when 0); returns the function that stops the timer. */
export async function startTempSweeps(
  folders: TempFolder[],
  logger: Logger,
  options: { safeAgeMs: number; intervalMs: number },
): Promise<() => Promise<void>> {
  const sweep = () => sweepTempFiles(folders, logger, options.safeAgeMs);
  await sweep();
  if (options.intervalMs <= 0) return async () => undefined;
  const timer = setInterval(
    () => void sweep().catch((err: unknown) => logger.warn({ err }, 'sweeping temp files failed; it runs again next interval')),
    options.intervalMs,
  );
  return async () => clearInterval(timer);
}

import { readFile, writeFile } from 'node:fs/promises';

/**
 * A secret kept in a file of the local data folder (signing keys, the webhook key) when
 * configuration gives none: read it, or write a fresh one, readable by its owner only. The
 * exclusive create means two processes starting on one data folder cannot both write a
 * different secret: the loser reads the winner's.
 */
export async function readOrCreateSecretFile(file: string, generate: () => string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const fresh = generate();
  try {
    await writeFile(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readFile(file, 'utf8')).trim();
  }
}

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyRing, newKeyRingEntry, parseKeyRing, type SigningKey } from '../access/key-ring.js';

/**
 * The URL-signing key ring: from configuration (a Secret in Kubernetes), else from a file in
 * the data folder that the first start writes, readable by its owner only, like the admin key.
 */
export async function loadKeyRing(configured: SigningKey[] | undefined, dataDir: string): Promise<KeyRing> {
  if (configured) return new KeyRing(configured);
  const file = join(dataDir, 'signing-keys');
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = newKeyRingEntry();
    // wx: two processes starting on one data folder cannot both write a different key.
    await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
      text = (await readFile(file, 'utf8')).trim();
    });
  }
  const parsed = parseKeyRing(text);
  if ('problems' in parsed) throw new Error(`${file}: ${parsed.problems.join('; ')}`);
  return new KeyRing(parsed.keys);
}

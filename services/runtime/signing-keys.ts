import { join } from 'node:path';
import { KeyRing, newKeyRingEntry, parseKeyRing, type SigningKey } from '../access/key-ring.js';
import { readOrCreateSecretFile } from '../storage/local-secret-file.js';

/**
 * The URL-signing key ring: from configuration (a Secret in Kubernetes), else from a file in
 * the data folder that the first start writes, readable by its owner only, like the admin key.
 */
export async function loadKeyRing(configured: SigningKey[] | undefined, dataDir: string): Promise<KeyRing> {
  if (configured) return new KeyRing(configured);
  const file = join(dataDir, 'signing-keys');
  const text = await readOrCreateSecretFile(file, newKeyRingEntry);
  const parsed = parseKeyRing(text);
  if ('problems' in parsed) throw new Error(`${file}: ${parsed.problems.join('; ')}`);
  return new KeyRing(parsed.keys);
}

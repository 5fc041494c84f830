import { randomBytes } from 'node:crypto';
import { MIN_SECRET_BYTES, parseKeyRing, type SigningKey } from '../core/signing-key-spec.js';

export { MIN_SECRET_BYTES, parseKeyRing, type SigningKey };

/**
 * The URL-signing keys: the first signs, every one verifies. Rotation: put the new key first
 * and keep the old one listed until every URL it signed has expired, then drop it.
 */
export class KeyRing {
  private readonly byKid: Map<string, SigningKey>;

  constructor(readonly keys: readonly SigningKey[]) {
    if (keys.length === 0) throw new Error('a key ring needs at least one key');
    this.byKid = new Map(keys.map((k) => [k.kid, k]));
  }

  get signer(): SigningKey {
    return this.keys[0]!;
  }

  find(kid: string): SigningKey | undefined {
    return this.byKid.get(kid);
  }
}

/** A new ring entry, as `kid:secret`, for `serve` to write when none is configured. */
export function newKeyRingEntry(now = new Date()): string {
  const kid = `k${now.toISOString().slice(0, 10).replace(/-/g, '')}${randomBytes(2).toString('hex')}`;
  return `${kid}:${randomBytes(32).toString('base64url')}`;
}

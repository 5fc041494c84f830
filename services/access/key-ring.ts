import { randomBytes } from 'node:crypto';

export interface SigningKey {
  kid: string;
  secret: Buffer;
}

const KID_RE = /^[A-Za-z0-9_-]{1,32}$/;
export const MIN_SECRET_BYTES = 32;

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

/** Parses `kid:secret[,kid:secret…]` (secrets in base64 or base64url); returns every problem. */
export function parseKeyRing(text: string): { keys: SigningKey[] } | { problems: string[] } {
  const problems: string[] = [];
  const keys: SigningKey[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf(':');
    const kid = at < 0 ? '' : entry.slice(0, at);
    const encoded = at < 0 ? '' : entry.slice(at + 1);
    if (!KID_RE.test(kid)) {
      problems.push(`expected kid:secret with a kid of 1-32 letters, digits, _ or - but received an entry starting ${JSON.stringify(entry.slice(0, 8))}`);
      continue;
    }
    const secret = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/_-]+=*$/.test(encoded) || secret.length < MIN_SECRET_BYTES) {
      problems.push(`expected a base64 secret of at least ${MIN_SECRET_BYTES} bytes for kid ${kid}`);
      continue;
    }
    if (keys.some((k) => k.kid === kid)) {
      problems.push(`the kid ${kid} is listed twice`);
      continue;
    }
    keys.push({ kid, secret });
  }
  if (problems.length === 0 && keys.length === 0) problems.push('expected at least one kid:secret');
  return problems.length > 0 ? { problems } : { keys };
}

/** A new ring entry, as `kid:secret`, for `serve` to write when none is configured. */
export function newKeyRingEntry(now = new Date()): string {
  const kid = `k${now.toISOString().slice(0, 10).replace(/-/g, '')}${randomBytes(2).toString('hex')}`;
  return `${kid}:${randomBytes(32).toString('base64url')}`;
}

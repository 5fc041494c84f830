/**
 * The text of IMGSVC_SIGNING_KEYS, `kid:secret[,kid:secret…]`: parsed with the other settings
 * at start-up (every problem listed), so it sits in core/; access/key-ring.ts holds the ring.
 */
export interface SigningKey {
  kid: string;
  secret: Buffer;
}

/** What signs and verifies (access/key-ring.ts's KeyRing): the first key signs, every one verifies. */
export interface SigningKeys {
  readonly keys: readonly SigningKey[];
  readonly signer: SigningKey;
}

const KID_RE = /^[A-Za-z0-9_-]{1,32}$/;
export const MIN_SECRET_BYTES = 32;

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

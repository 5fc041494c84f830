import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, badRequest, forbidden } from '../core/errors.js';
import type { KeyRing } from './key-ring.js';

/** The three parameters a signed URL adds; every other parameter is covered by the signature. */
const SIGNED_PARAMS = new Set(['sig', 'exp', 'kid']);
const SIG_RE = /^[A-Za-z0-9_-]{43}$/;
const EXP_RE = /^[0-9]{1,12}$/;

export interface ParsedQuery {
  /** Every parameter but sig/exp/kid, decoded, in the order given. */
  params: [string, string][];
  sig: string | undefined;
  exp: string | undefined;
  kid: string | undefined;
}

/**
 * Splits a raw query string by position (`&`, then the first `=`), decoding each side as
 * URLSearchParams does, so what is verified is exactly what negotiation later reads. A
 * repeated sig, exp or kid is refused: which copy counts must never be ambiguous.
 */
export function parseQuery(raw: string): ParsedQuery {
  const out: ParsedQuery = { params: [], sig: undefined, exp: undefined, kid: undefined };
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? '' : part.slice(eq + 1));
    if (SIGNED_PARAMS.has(key)) {
      const name = key as 'sig' | 'exp' | 'kid';
      if (out[name] !== undefined) throw badRequest('duplicate_parameter', `the parameter ${name} appears more than once`);
      out[name] = value;
    } else {
      out.params.push([key, value]);
    }
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw badRequest('bad_query', 'the query string has a malformed percent-escape');
  }
}

/** What is signed: the path, then every other parameter sorted by name and value, re-encoded one way. */
export function canonicalForm(path: string, params: readonly (readonly [string, string])[], exp: string, kid: string): string {
  const all = [...params, ['exp', exp] as const, ['kid', kid] as const];
  const sorted = all
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort();
  return `${path}\n${sorted.join('&')}`;
}

function mac(secret: Buffer, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest();
}

/** A path plus query with `exp`, `kid` and `sig` appended; `params` are the URL's own parameters. */
export function signPath(ring: KeyRing, path: string, params: readonly (readonly [string, string])[], expSeconds: number): string {
  const key = ring.signer;
  const exp = String(expSeconds);
  const sig = mac(key.secret, canonicalForm(path, params, exp, key.kid)).toString('base64url');
  const query = [...params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`), `exp=${exp}`, `kid=${encodeURIComponent(key.kid)}`, `sig=${sig}`];
  return `${path}?${query.join('&')}`;
}

export type SignatureCheck = { signed: false } | { signed: true; exp: number };

/**
 * Checks a request's signature, if it carries any of sig, exp or kid. A URL that was changed in
 * any byte, has expired, or names a key no longer in the ring is refused with 403; a valid one
 * whose expiry lies further ahead than the configured maximum is refused with 400 (it was
 * signed against the rules, not tampered with).
 */
export function checkSignature(ring: KeyRing, path: string, query: ParsedQuery, nowSeconds: number, maxTtlSeconds: number): SignatureCheck {
  const { sig, exp, kid } = query;
  if (sig === undefined && exp === undefined && kid === undefined) return { signed: false };
  if (sig === undefined || exp === undefined || kid === undefined) {
    throw invalid('a signed URL needs all of sig, exp and kid');
  }
  if (!SIG_RE.test(sig)) throw invalid('expected a 43-character base64url signature for sig');
  const key = ring.find(kid);
  if (!key) throw invalid('the URL was signed with a key that is no longer accepted');
  const expected = mac(key.secret, canonicalForm(path, query.params, exp, kid));
  const presented = Buffer.from(sig, 'base64url');
  // A base64url string of 43 characters always decodes to 32 bytes, but its last character
  // carries 2 spare bits: only the canonical spelling is accepted, so one signature has one URL.
  if (presented.length !== expected.length || presented.toString('base64url') !== sig || !timingSafeEqual(presented, expected)) {
    throw invalid('the signature does not match the URL');
  }
  if (!EXP_RE.test(exp)) throw badRequest('invalid_exp', `expected unix seconds for exp but received ${JSON.stringify(exp)}`);
  const expires = Number(exp);
  if (expires <= nowSeconds) throw signatureExpired();
  if (expires - nowSeconds > maxTtlSeconds) {
    throw badRequest('exp_too_far', `expected exp at most ${maxTtlSeconds} seconds ahead but it is ${expires - nowSeconds} seconds ahead`);
  }
  return { signed: true, exp: expires };
}

export function signatureExpired(): AppError {
  return new AppError(403, 'signature_expired', 'the signed URL has expired');
}

function invalid(message: string): AppError {
  return forbidden('invalid_signature', message);
}

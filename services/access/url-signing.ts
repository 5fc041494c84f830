import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, badRequest, forbidden } from '../core/errors.js';
import type { KeyRing } from './key-ring.js';

/**
 * The parameters a signed URL adds; every other parameter is covered by the signature, and so
 * are `exp`, `kid`, `by` (the key that minted a URL for someone other than the owner: it works
 * only while that key may still see the image) and `ep` (the image's signing epoch: the owner
 * bumps it to invalidate every URL signed before).
 */
const SIGNED_PARAMS = new Set(['sig', 'exp', 'kid', 'by', 'ep']);
type SignedName = 'sig' | 'exp' | 'kid' | 'by' | 'ep';
const SIG_RE = /^[A-Za-z0-9_-]{43}$/;
const EXP_RE = /^[0-9]{1,12}$/;
// A minting key's id, or `u` and a user's id for a URL minted from a session.
const BY_RE = /^([0-9a-f]{16}|u[0-7][0-9A-HJKMNP-TV-Z]{25})$/;
const EP_RE = /^[1-9][0-9]{0,8}$/;

export interface ParsedQuery {
  /** Every parameter but sig/exp/kid/by/ep, decoded, in the order given. */
  params: [string, string][];
  sig: string | undefined;
  exp: string | undefined;
  kid: string | undefined;
  by?: string | undefined;
  ep?: string | undefined;
}

/** What a signature is bound to besides the URL: who minted it (when not the owner) and the image's epoch. */
export interface SignatureBinding {
  by?: string | undefined;
  /** 0 (the default, left out of the URL) until the owner first revokes the image's URLs. */
  ep?: number | undefined;
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
      const name = key as SignedName;
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
export function canonicalForm(path: string, params: readonly (readonly [string, string])[], exp: string, kid: string, bound: { by?: string | undefined; ep?: string | undefined } = {}): string {
  const all = [...params, ['exp', exp] as const, ['kid', kid] as const];
  if (bound.by !== undefined) all.push(['by', bound.by]);
  if (bound.ep !== undefined) all.push(['ep', bound.ep]);
  const sorted = all
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort();
  return `${path}\n${sorted.join('&')}`;
}

function mac(secret: Buffer, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest();
}

/** A path plus query with `exp`, `kid` and `sig` appended; `params` are the URL's own parameters. */
export function signPath(ring: KeyRing, path: string, params: readonly (readonly [string, string])[], expSeconds: number, binding: SignatureBinding = {}): string {
  const key = ring.signer;
  const exp = String(expSeconds);
  const bound = { by: binding.by, ep: binding.ep ? String(binding.ep) : undefined };
  const sig = mac(key.secret, canonicalForm(path, params, exp, key.kid, bound)).toString('base64url');
  const query = [
    ...params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
    `exp=${exp}`,
    `kid=${encodeURIComponent(key.kid)}`,
    ...(bound.by !== undefined ? [`by=${bound.by}`] : []),
    ...(bound.ep !== undefined ? [`ep=${bound.ep}`] : []),
    `sig=${sig}`,
  ];
  return `${path}?${query.join('&')}`;
}

export type SignatureCheck = { signed: false } | { signed: true; exp: number; by?: string | undefined; ep: number };

/**
 * Checks a request's signature, if it carries any of sig, exp or kid. A URL that was changed in
 * any byte, has expired, or names a key no longer in the ring is refused with 403; a valid one
 * whose expiry lies further ahead than the configured maximum is refused with 400 (it was
 * signed against the rules, not tampered with).
 */
export function checkSignature(ring: KeyRing, path: string, query: ParsedQuery, nowSeconds: number, maxTtlSeconds: number): SignatureCheck {
  const { sig, exp, kid, by, ep } = query;
  if (sig === undefined && exp === undefined && kid === undefined && by === undefined && ep === undefined) return { signed: false };
  if (sig === undefined || exp === undefined || kid === undefined) {
    throw invalid('a signed URL needs all of sig, exp and kid');
  }
  if (!SIG_RE.test(sig)) throw invalid('expected a 43-character base64url signature for sig');
  const key = ring.find(kid);
  if (!key) throw invalid('the URL was signed with a key that is no longer accepted');
  const expected = mac(key.secret, canonicalForm(path, query.params, exp, kid, { by, ep }));
  const presented = Buffer.from(sig, 'base64url');
  // A base64url string of 43 characters always decodes to 32 bytes, but its last character
  // carries 2 spare bits: only the canonical spelling is accepted, so one signature has one URL.
  if (presented.length !== expected.length || presented.toString('base64url') !== sig || !timingSafeEqual(presented, expected)) {
    throw invalid('the signature does not match the URL');
  }
  if (by !== undefined && !BY_RE.test(by)) throw badRequest('invalid_by', `expected a 16-character key id or u and a user id for by but received ${JSON.stringify(by)}`);
  if (ep !== undefined && !EP_RE.test(ep)) throw badRequest('invalid_ep', `expected a positive integer for ep but received ${JSON.stringify(ep)}`);
  if (!EXP_RE.test(exp)) throw badRequest('invalid_exp', `expected unix seconds for exp but received ${JSON.stringify(exp)}`);
  const expires = Number(exp);
  if (expires <= nowSeconds) throw signatureExpired();
  if (expires - nowSeconds > maxTtlSeconds) {
    throw badRequest('exp_too_far', `expected exp at most ${maxTtlSeconds} seconds ahead but it is ${expires - nowSeconds} seconds ahead`);
  }
  return { signed: true, exp: expires, ...(by !== undefined ? { by } : {}), ep: ep === undefined ? 0 : Number(ep) };
}

/** A URL signed before the owner last revoked the image's signed URLs. */
export function signatureRevoked(): AppError {
  return new AppError(403, 'signature_revoked', 'the signed URL was revoked: ask for a new one');
}

export function signatureExpired(): AppError {
  return new AppError(403, 'signature_expired', 'the signed URL has expired');
}

function invalid(message: string): AppError {
  return forbidden('invalid_signature', message);
}

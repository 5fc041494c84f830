import { AppError, badRequest } from '../core/errors.js';
import { MAX_TOKEN_LENGTH, tokenize } from './fold-tokens.js';

/** Characters of `q` accepted: far more than anyone types, far less than a 10 kB probe. */
export const MAX_QUERY_LENGTH = 256;
/** Terms per query: each one more set to intersect. */
export const MAX_QUERY_TERMS = 8;

export interface SearchTerms {
  /** Folded terms matched whole. */
  exact: string[];
  /** The last term, matched as a prefix (search as you type); absent when `q` ends in a space or punctuation. */
  prefix?: string;
}

/**
 * `q` as the index sees it: folded tokens, all required; the last one a prefix unless the
 * query ends after it (a trailing space says the word is complete). Duplicate terms collapse.
 */
export function parseQuery(q: string | undefined): SearchTerms {
  if (q === undefined) throw badRequest('invalid_parameter', 'expected a search query in q, such as ?q=sunset');
  if (q.length > MAX_QUERY_LENGTH) throw new AppError(400, 'query_too_long', `expected q of at most ${MAX_QUERY_LENGTH} characters but received ${q.length}`);
  const tokens = tokenize(q);
  if (tokens.length === 0) throw badRequest('empty_query', 'expected q to contain at least one letter or digit');
  if (tokens.length > MAX_QUERY_TERMS) throw badRequest('too_many_terms', `expected at most ${MAX_QUERY_TERMS} terms in q but received ${tokens.length}`);
  const complete = !endsInToken(q);
  const last = tokens[tokens.length - 1]!;
  const exact = [...new Set(complete ? tokens : tokens.slice(0, -1))];
  // A prefix already cut to the token length names the same set as the whole word would.
  if (complete || [...last].length >= MAX_TOKEN_LENGTH) return { exact: exact.includes(last) ? exact : [...exact, last] };
  return exact.includes(last) ? { exact } : { exact, prefix: last };
}

function endsInToken(q: string): boolean {
  return /[\p{L}\p{M}\p{N}]$/u.test(q);
}

/** Whether an image's folded tokens satisfy the terms: the re-check of every candidate against its current record. */
export function matchesTerms(tokens: readonly string[], terms: SearchTerms): boolean {
  const have = new Set(tokens);
  if (!terms.exact.every((t) => have.has(t))) return false;
  return terms.prefix === undefined || tokens.some((t) => t.startsWith(terms.prefix!));
}

import type { ImageMetadata } from '../images/metadata.js';
import { foldTag } from '../images/metadata.js';

/** Tokens are cut to this many code points: "internationalisation…" is found by its first 32. */
export const MAX_TOKEN_LENGTH = 32;
/** Distinct tokens indexed per image (title and tags first): a 5,000-character description cannot flood the index. */
export const MAX_TOKENS_PER_IMAGE = 300;

const MARKS = /\p{Mn}/gu;
const ASCII = /^[\x00-\x7f]*$/;
// Spacing marks (Devanagari vowel signs) belong to their word: only letters, marks and digits make tokens.
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/u;

/**
 * The one folding for indexing and querying: compatibility decomposition (ﬁ → fi, ² → 2),
 * diacritics dropped (é → e), then full case folding approximated by upper- then lower-casing
 * in the root locale, which folds ß to ss and final sigma like Unicode's casefold.
 */
export function foldText(text: string): string {
  // ASCII decomposes to itself and has no marks, so the folding is lower-casing: the common case
  // costs one scan instead of five passes (the query re-check folds every candidate's text).
  if (ASCII.test(text)) return text.toLowerCase();
  const decomposed = text.normalize('NFKD').replace(MARKS, '');
  return decomposed.toLocaleUpperCase('und').toLocaleLowerCase('und').normalize('NFKD').replace(MARKS, '').normalize('NFC');
}

/** Folded tokens of a text, in order of appearance, each cut to MAX_TOKEN_LENGTH code points. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const part of foldText(text).split(SEPARATORS)) {
    if (part === '') continue;
    const chars = [...part];
    out.push(chars.length > MAX_TOKEN_LENGTH ? chars.slice(0, MAX_TOKEN_LENGTH).join('') : part);
  }
  return out;
}

/** What one image is found by: its distinct tokens (title, tags, then description) and its folded tags. */
export interface ImageTerms {
  tokens: string[];
  tags: string[];
}

export function imageTerms(meta: Pick<ImageMetadata, 'title' | 'description' | 'tags'>): ImageTerms {
  const tokens = new Set<string>();
  const add = (text: string | undefined) => {
    for (const t of tokenize(text ?? '')) {
      if (tokens.size >= MAX_TOKENS_PER_IMAGE) return;
      tokens.add(t);
    }
  };
  add(meta.title);
  for (const tag of meta.tags) add(tag);
  add(meta.description);
  return { tokens: [...tokens], tags: [...new Set(meta.tags.map(foldTag))] };
}

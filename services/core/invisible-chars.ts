/**
 * Characters that change how text is shown without being seen, after Unicode's security
 * guidance (UTS #39 §3.3 and UTR #36 §2; UTS #55 on bidi spoofing):
 *
 * - bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069): the RTLO spoof that
 *   shows `photo\u202Egpj.exe` as `photoexe.jpg`;
 * - invisible default-ignorables with no job in ordinary text: zero-width space, word joiner
 *   and the invisible operators, the BOM, soft hyphen, CGJ, Hangul fillers, Khmer and
 *   Mongolian invisibles, interlinear annotations, deprecated format characters.
 *
 * ZWJ and ZWNJ (U+200D, U+200C) are kept: emoji sequences and Persian and Indic spelling need
 * them. Variation selectors are kept too (emoji presentation).
 */
const HIDDEN = '\\u202A-\\u202E\\u2066-\\u2069\\u200B\\u2060-\\u2064\\uFEFF\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u3164\\uFFA0\\uFFF9-\\uFFFB\\u206A-\\u206F';
/** Identifiers (tags, file names) also lose the direction marks, which only steer prose. */
const MARKS = '\\u200E\\u200F\\u061C';

const TEXT_RE = new RegExp(`[${HIDDEN}]`, 'u');
const IDENTIFIER_RE = new RegExp(`[${HIDDEN}${MARKS}]`, 'u');
const IDENTIFIER_ALL_RE = new RegExp(`[${HIDDEN}${MARKS}]`, 'gu');

/** The first hidden character of prose (titles, names, descriptions) as `U+202E`, or undefined. */
export function hiddenInText(s: string): string | undefined {
  return codePoint(TEXT_RE.exec(s)?.[0]);
}

/** The first hidden character of an identifier (a tag), direction marks included. */
export function hiddenInIdentifier(s: string): string | undefined {
  return codePoint(IDENTIFIER_RE.exec(s)?.[0]);
}

/** An identifier with every hidden character removed: for names the client chose without typing them (file names). */
export function stripHidden(s: string): string {
  return s.replace(IDENTIFIER_ALL_RE, '');
}

function codePoint(ch: string | undefined): string | undefined {
  return ch === undefined ? undefined : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

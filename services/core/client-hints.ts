/**
 * The request headers a variant choice depends on, written once. Negotiation reads these and no
 * others (services/core/client-hints.test.ts proves it by recording what it reads); `Vary`,
 * `Accept-CH`, the choice memo's key and the OpenAPI parameters are all made from this list, so a
 * hint added here reaches each of them, and a hint read anywhere else fails that test.
 */

/** Each size hint in its standard form first, then the legacy form browsers still send. */
export const SIZE_HINTS = {
  width: ['sec-ch-width', 'width'],
  viewportWidth: ['sec-ch-viewport-width', 'viewport-width'],
  dpr: ['sec-ch-dpr', 'dpr'],
} as const;

/** Every header negotiation may read, lower-case as node gives them. */
export const NEGOTIATION_HEADERS = ['accept', 'user-agent', ...SIZE_HINTS.width, ...SIZE_HINTS.viewportWidth, ...SIZE_HINTS.dpr, 'save-data', 'ect'] as const;
export type NegotiationHeader = (typeof NEGOTIATION_HEADERS)[number];

/** A header name as sent on the wire (`sec-ch-dpr` → `Sec-CH-DPR`). */
export function wireName(name: string): string {
  return name
    .split('-')
    .map((part) => (part === 'ch' ? 'CH' : part === 'dpr' || part === 'ect' ? part.toUpperCase() : part[0]!.toUpperCase() + part.slice(1)))
    .join('-');
}

/** The size hints a chosen width varies on, in the order `Vary` lists them. */
export const SIZE_HINT_VARY: readonly string[] = [...SIZE_HINTS.width, ...SIZE_HINTS.viewportWidth, ...SIZE_HINTS.dpr].map(wireName);

/** Sent on every image response, so browsers that support Client Hints start sending them. */
export const ACCEPT_CH = [
  ...[SIZE_HINTS.dpr[0], SIZE_HINTS.width[0], SIZE_HINTS.viewportWidth[0]],
  ...[SIZE_HINTS.dpr[1], SIZE_HINTS.width[1], SIZE_HINTS.viewportWidth[1]],
  'ect',
]
  .map(wireName)
  .join(', ');

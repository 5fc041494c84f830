import { negotiate, type Negotiated } from '../core/negotiate.js';
import type { Preset } from '../core/eager-presets.js';
import type { ImageRecord } from '../images/image-record.js';
import { locateVariant } from './variant-loader.js';
import { variantEtag } from './variant-etag.js';

/** What a request with given inputs gets for one image: everything but the bytes and the access decision. */
export interface Choice {
  negotiated: Negotiated;
  /** The variant's name and its storage key (also the hot cache's key): one string, reused. */
  name: string;
  key: string;
  etag: string;
  /** `Vary`, joined once; empty when the URL decides everything. */
  vary: string;
}

/** Inputs longer than this (an attacker's 16 KB User-Agent) are negotiated every time, never remembered. */
const MAX_KEY_LENGTH = 1_024;
/** Distinct inputs remembered per image: browsers send a handful of header sets; past it, start over. */
const MAX_PER_IMAGE = 64;

/**
 * Remembers negotiation per image and per distinct request inputs. A hit's inputs repeat (the
 * same few browsers, the same URLs), and negotiating, naming the variant, deriving its storage
 * key and its ETag cost more than the rest of a hit together. Keyed by the record object: the
 * record cache never mutates a record (a change, or its TTL, puts a new object there), so
 * nothing stale outlives it, and the WeakMap lets the entries go with it. Errors (400, 406)
 * are not remembered.
 */
export class ChoiceMemo {
  private readonly byRecord = new WeakMap<ImageRecord, Map<string, Choice>>();

  constructor(private readonly presets: readonly Preset[]) {}

  choose(headers: Readonly<Record<string, string | string[] | undefined>>, query: Readonly<Record<string, unknown>>, queryText: string, preset: string | undefined, record: ImageRecord): Choice {
    // Every header negotiation reads, in one template: the choice is a pure function of them, the
    // query, the preset and the image. A missing header is written as NUL, which no header value
    // may contain (node refuses it), and node joins repeated headers of these names into one
    // string (only Set-Cookie is ever an array), so two keys are equal only for equal inputs.
    const h = headers;
    const key = `${preset ?? '\0'}/${queryText}\n${h.accept ?? '\0'}\n${h['user-agent'] ?? '\0'}\n${h['sec-ch-width'] ?? '\0'}\n${h.width ?? '\0'}\n${h['sec-ch-viewport-width'] ?? '\0'}\n${h['viewport-width'] ?? '\0'}\n${h['sec-ch-dpr'] ?? '\0'}\n${h.dpr ?? '\0'}\n${h['save-data'] ?? '\0'}\n${h.ect ?? '\0'}`;
    if (key.length > MAX_KEY_LENGTH) return this.make(headers, query, preset, record);
    let choices = this.byRecord.get(record);
    const known = choices?.get(key);
    if (known) return known;
    const made = this.make(headers, query, preset, record);
    if (!choices) this.byRecord.set(record, (choices = new Map()));
    if (choices.size >= MAX_PER_IMAGE) choices.clear();
    choices.set(key, made);
    return made;
  }

  private make(headers: Readonly<Record<string, string | string[] | undefined>>, query: Readonly<Record<string, unknown>>, preset: string | undefined, record: ImageRecord): Choice {
    const negotiated = negotiate({ headers, query, preset }, record, this.presets);
    const { name, key } = locateVariant(record, negotiated.spec);
    return { negotiated, name, key, etag: variantEtag(record, name, negotiated.spec.format), vary: negotiated.vary.join(', ') };
  }
}

import { negotiate, type Negotiated } from '../core/negotiate.js';
import type { Preset } from '../core/eager-presets.js';
import type { ImageRecord } from '../images/image-record.js';
import type { OwnerSizeList } from './owner-sizes.js';
import { locateVariant } from './variant-loader.js';
import { variantEtag } from './variant-etag.js';
import { analyticsGroup } from '../analytics/request-recorder.js';

/** What a request with given inputs gets for one image: everything but the bytes and the access decision. */
export interface Choice {
  negotiated: Negotiated;
  /** The variant's name and its storage key (also the hot cache's key): one string, reused. */
  name: string;
  key: string;
  etag: string;
  /** `Vary`, joined once; empty when the URL decides everything. */
  vary: string;
  /** Content-Location: the URL of what is served, when an unsigned URL's explicit size was snapped. */
  location: string | undefined;
  /** The analytics group of a hit (image, format, device class, variant), built once: ServedEvent.group. */
  analytics: string;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The inputs of the last request answered for an image, compared field by field before any key is built. */
interface Last {
  signed: boolean;
  sizes: string;
  preset: string | undefined;
  query: string;
  accept: string | string[] | undefined;
  userAgent: string | string[] | undefined;
  secChWidth: string | string[] | undefined;
  width: string | string[] | undefined;
  secChViewportWidth: string | string[] | undefined;
  viewportWidth: string | string[] | undefined;
  secChDpr: string | string[] | undefined;
  dpr: string | string[] | undefined;
  saveData: string | string[] | undefined;
  ect: string | string[] | undefined;
  choice: Choice;
}

interface PerRecord {
  byKey: Map<string, Choice>;
  last: Last | undefined;
}

/** No allowed sizes: the default for callers that pass none. */
const OPERATOR_NONE: OwnerSizeList = { allowed: [], key: '' };

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
  private readonly byRecord = new WeakMap<ImageRecord, PerRecord>();

  constructor(private readonly presets: readonly Preset[]) {}

  /**
   * `signed` and `sizes` decide whether explicit sizes are exact or snapped (negotiate's
   * policy); both are in the key, so an owner's edit of their sizes is never answered stale.
   */
  choose(
    headers: Headers,
    query: Readonly<Record<string, unknown>>,
    queryText: string,
    preset: string | undefined,
    record: ImageRecord,
    signed = false,
    sizes: OwnerSizeList = OPERATOR_NONE,
  ): Choice {
    // Every header negotiation reads (core/client-hints.ts's NEGOTIATION_HEADERS; a test fails
    // when one is missing here), in one template rather than a loop, since this runs per hit: the choice is a pure function of them, the
    // query, the preset and the image. A missing header is written as NUL, which no header value
    // may contain (node refuses it), and node joins repeated headers of these names into one
    // string (only Set-Cookie is ever an array), so two keys are equal only for equal inputs.
    const h = headers;
    let remembered = this.byRecord.get(record);
    // The same inputs as the last request for this image (one browser hammering one URL, or a
    // CDN's few): equal strings compare without building, flattening and hashing the joined key.
    const last = remembered?.last;
    if (
      last !== undefined &&
      last.userAgent === h['user-agent'] &&
      last.accept === h.accept &&
      last.query === queryText &&
      last.preset === preset &&
      last.signed === signed &&
      last.sizes === sizes.key &&
      last.secChWidth === h['sec-ch-width'] &&
      last.width === h.width &&
      last.secChViewportWidth === h['sec-ch-viewport-width'] &&
      last.viewportWidth === h['viewport-width'] &&
      last.secChDpr === h['sec-ch-dpr'] &&
      last.dpr === h.dpr &&
      last.saveData === h['save-data'] &&
      last.ect === h.ect
    ) {
      return last.choice;
    }
    const key = `${signed ? 's' : 'u'}${sizes.key}\n${preset ?? '\0'}/${queryText}\n${h.accept ?? '\0'}\n${h['user-agent'] ?? '\0'}\n${h['sec-ch-width'] ?? '\0'}\n${h.width ?? '\0'}\n${h['sec-ch-viewport-width'] ?? '\0'}\n${h['viewport-width'] ?? '\0'}\n${h['sec-ch-dpr'] ?? '\0'}\n${h.dpr ?? '\0'}\n${h['save-data'] ?? '\0'}\n${h.ect ?? '\0'}`;
    if (key.length > MAX_KEY_LENGTH) return this.make(headers, query, preset, record, signed, sizes);
    let choice = remembered?.byKey.get(key);
    if (!choice) {
      choice = this.make(headers, query, preset, record, signed, sizes);
      if (!remembered) this.byRecord.set(record, (remembered = { byKey: new Map(), last: undefined }));
      if (remembered.byKey.size >= MAX_PER_IMAGE) remembered.byKey.clear();
      remembered.byKey.set(key, choice);
    }
    remembered!.last = {
      signed,
      sizes: sizes.key,
      preset,
      query: queryText,
      accept: h.accept,
      userAgent: h['user-agent'],
      secChWidth: h['sec-ch-width'],
      width: h.width,
      secChViewportWidth: h['sec-ch-viewport-width'],
      viewportWidth: h['viewport-width'],
      secChDpr: h['sec-ch-dpr'],
      dpr: h.dpr,
      saveData: h['save-data'],
      ect: h.ect,
      choice,
    };
    return choice;
  }

  private make(
    headers: Headers,
    query: Readonly<Record<string, unknown>>,
    preset: string | undefined,
    record: ImageRecord,
    signed: boolean,
    sizes: OwnerSizeList,
  ): Choice {
    const negotiated = negotiate({ headers, query, preset }, record, this.presets, { signed, allowed: sizes.allowed });
    const { name, key } = locateVariant(record, negotiated.spec);
    const location = negotiated.canonical === undefined ? undefined : `/i/${record.id}?${negotiated.canonical}`;
    const { format } = negotiated.spec;
    return { negotiated, name, key, etag: variantEtag(record, name, format), vary: negotiated.vary.join(', '), location, analytics: analyticsGroup(record.id, format, negotiated.deviceClass, name) };
  }
}

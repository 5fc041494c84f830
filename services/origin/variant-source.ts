import { LRUCache } from 'lru-cache';
import { OUTPUT_EXT, OUTPUT_MIME, variantName, type VariantSpec } from '../core/variant-spec.js';
import { SingleFlight } from '../core/single-flight.js';
import type { ImageRecord } from '../images/image-record.js';
import { originalKey, variantKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { renderVariant, type RenderLimits } from './render-variant.js';

export interface ResolvedVariant {
  key: string;
  size: number;
  contentType: string;
  name: string;
}

/**
 * Finds a variant in storage or makes it from the original, once per variant however many
 * requests miss at the same time. What is known to exist is remembered, so a hot variant
 * costs no storage round trip before its bytes are read.
 */
export class VariantSource {
  private readonly known = new LRUCache<string, number>({ max: 200_000 });
  private readonly flights = new SingleFlight<ResolvedVariant>();

  constructor(
    private readonly store: ObjectStore,
    private readonly limits: RenderLimits,
  ) {}

  async resolve(record: ImageRecord, spec: VariantSpec): Promise<ResolvedVariant> {
    const name = variantName(spec);
    const key = variantKey(record.sha256, name, OUTPUT_EXT[spec.format]);
    const contentType = OUTPUT_MIME[spec.format];
    const size = this.known.get(key);
    if (size !== undefined) return { key, size, contentType, name };
    return this.flights.run(key, async () => {
      const head = await this.store.head(key);
      if (head) {
        this.known.set(key, head.size);
        return { key, size: head.size, contentType, name };
      }
      const original = await this.store.getBuffer(originalKey(record.sha256));
      const rendered = await renderVariant(original, spec, this.limits);
      await this.store.put(key, rendered.data, {
        contentType,
        metadata: { source: record.sha256, width: String(rendered.width), height: String(rendered.height) },
      });
      this.known.set(key, rendered.data.length);
      return { key, size: rendered.data.length, contentType, name };
    });
  }
}

import type { ImageRecord } from '../images/image-record.js';
import { newEvent, type VariantSummary } from './event-payloads.js';
import type { NewEvent } from './event-types.js';

/**
 * Record fields besides `meta` whose change is an `image.updated`: the owner's switches.
 * (A new owner-editable field joins this list.)
 */
export const FLAG_FIELDS = ['allowOriginalDownload', 'commentsEnabled'] as const;

/**
 * The events one record change reports, in a fixed order: processing outcome, visibility,
 * edits, then deletion or restoration. Pure: the writer queues them on the MULTI that writes
 * `next`. A change nobody outside can observe (a placeholder, a retried failure with the same
 * reason) reports nothing.
 */
export function recordEvents(previous: ImageRecord, next: ImageRecord, actorId?: string): NewEvent[] {
  const about = { ownerId: next.ownerId, imageId: next.id, actorId };
  const revision = next.revision;
  const events: NewEvent[] = [];
  if (next.status === 'ready' && (previous.status !== 'ready' || !sameJson(previous.variants, next.variants))) {
    events.push(newEvent('image.ready', about, { revision, variants: summarize(next) }));
  } else if (next.status === 'failed' && (previous.status !== 'failed' || previous.error !== next.error)) {
    events.push(newEvent('image.failed', about, { revision, error: next.error ?? '' }));
  }
  if (previous.visibility !== next.visibility) {
    events.push(newEvent('image.visibility_changed', about, { revision, from: previous.visibility, to: next.visibility }));
  }
  const changed = changedFields(previous, next);
  if (changed.length > 0) events.push(newEvent('image.updated', about, { revision, changed }));
  if (next.deletedAt !== undefined && previous.deletedAt === undefined) {
    events.push(newEvent('image.deleted', about, { revision, deletedAt: next.deletedAt }));
  } else if (next.deletedAt === undefined && previous.deletedAt !== undefined) {
    events.push(newEvent('image.restored', about, { revision }));
  }
  return events;
}

/** The metadata fields (`title`, `tags`, …) and flags that differ, sorted. */
export function changedFields(previous: ImageRecord, next: ImageRecord): string[] {
  const a = previous.meta as unknown as Record<string, unknown>;
  const b = next.meta as unknown as Record<string, unknown>;
  const metaKeys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !sameJson(a[k], b[k]));
  const flags = FLAG_FIELDS.filter((k) => previous[k] !== next[k]);
  return [...metaKeys, ...flags].sort();
}

function summarize(r: ImageRecord): VariantSummary {
  return {
    count: r.variants.length,
    formats: [...new Set(r.variants.map((v) => v.format))].sort(),
    widths: [...new Set(r.variants.map((v) => v.width))].sort((x, y) => x - y),
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

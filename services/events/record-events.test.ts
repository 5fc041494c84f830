import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../images/image-record.js';
import { recordEvents } from './record-events.js';

const base: ImageRecord = {
  id: '01JDEVENTS0000000000000000',
  ownerId: 'u-alice',
  visibility: 'private',
  sha256: 'a'.repeat(64),
  format: 'jpeg',
  width: 800,
  height: 600,
  bytes: 1234,
  orientation: 1,
  hasAlpha: false,
  frames: 1,
  status: 'processing',
  createdAt: '2026-12-02T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
  variants: [],
  meta: { tags: [] },
  revision: 3,
};
const variant = (format: string, width: number) => ({ name: `w${width}`, key: `variants/x/w${width}.${format}`, format, width, height: width, bytes: 10 });
const ready: ImageRecord = { ...base, status: 'ready', variants: [variant('webp', 50), variant('avif', 50), variant('jpeg', 320)] };
const next = (from: ImageRecord, change: Partial<ImageRecord>): ImageRecord => ({ ...from, ...change, revision: from.revision + 1 });

describe('recordEvents', () => {
  const cases: [string, ImageRecord, ImageRecord, string | undefined, unknown[]][] = [
    ['processing → ready: image.ready with a variant summary', base, next(ready, { revision: 3 }), undefined, [
      { type: 'image.ready', data: { revision: 4, variants: { count: 3, formats: ['avif', 'jpeg', 'webp'], widths: [50, 320] } } },
    ]],
    ['ready again with the same variants: nothing', ready, next(ready, { updatedAt: 'later' }), undefined, []],
    ['ready with new variants (a repair): image.ready', ready, next(ready, { variants: [variant('png', 50)] }), undefined, [
      { type: 'image.ready', data: { revision: 4, variants: { count: 1, formats: ['png'], widths: [50] } } },
    ]],
    ['→ failed: image.failed with the error', base, next(base, { status: 'failed', error: 'cannot decode' }), undefined, [
      { type: 'image.failed', data: { revision: 4, error: 'cannot decode' } },
    ]],
    ['failed again for the same reason: nothing', { ...base, status: 'failed', error: 'x' }, next({ ...base, status: 'failed', error: 'x' }, {}), undefined, []],
    ['visibility: from and to, with the actor', ready, next(ready, { visibility: 'public' }), 'u-alice', [
      { type: 'image.visibility_changed', actorId: 'u-alice', data: { revision: 4, from: 'private', to: 'public' } },
    ]],
    ['metadata: the changed field names, sorted', ready, next(ready, { meta: { tags: ['x'], title: 'T' } }), 'u-admin', [
      { type: 'image.updated', actorId: 'u-admin', data: { revision: 4, changed: ['tags', 'title'] } },
    ]],
    ['a field removed counts as changed', { ...ready, meta: { tags: [], location: { lat: 1, lon: 2 } } }, next(ready, { meta: { tags: [] } }), undefined, [
      { type: 'image.updated', data: { revision: 4, changed: ['location'] } },
    ]],
    ['a flag: allowOriginalDownload', ready, next(ready, { allowOriginalDownload: true }), undefined, [{ type: 'image.updated', data: { revision: 4, changed: ['allowOriginalDownload'] } }]],
    ['visibility and title at once: two events, visibility first', ready, next(ready, { visibility: 'public', meta: { tags: [], title: 'T' } }), undefined, [
      { type: 'image.visibility_changed', data: { revision: 4, from: 'private', to: 'public' } },
      { type: 'image.updated', data: { revision: 4, changed: ['title'] } },
    ]],
    ['deletedAt set: image.deleted', ready, next(ready, { deletedAt: '2026-12-02T01:00:00.000Z' }), 'u-alice', [
      { type: 'image.deleted', actorId: 'u-alice', data: { revision: 4, deletedAt: '2026-12-02T01:00:00.000Z' } },
    ]],
    ['deletedAt cleared: image.restored', { ...ready, deletedAt: '2026-12-02T01:00:00.000Z' }, next(ready, {}), undefined, [{ type: 'image.restored', data: { revision: 4 } }]],
    ['only updatedAt (an edit that changed nothing): nothing', ready, next(ready, { updatedAt: 'later', meta: { tags: [] } }), 'u-alice', []],
  ];
  it.each(cases)('%s', (_name, previous, changed, actor, expected) => {
    const events = recordEvents(previous, changed, actor);
    expect(events).toEqual(expected.map((e) => ({ ownerId: 'u-alice', imageId: base.id, ...(e as object) })));
  });
});

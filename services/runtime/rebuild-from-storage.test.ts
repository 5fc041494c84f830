import { describe, expect, it } from 'vitest';
import { useRedisAndStore } from '../../test/helpers/redis-and-store.js';
import { AccountStore } from '../accounts/account-store.js';
import { ViewerGrants } from '../accounts/viewer-grants.js';
import { newImageId } from '../core/ids.js';
import { createLogger } from '../core/logger.js';
import { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { shardCount } from '../redis/keys.js';
import { bootstrapKey, manifestKey } from '../storage/keys.js';
import { rebuildFromStorage, unreadableOf } from './rebuild-from-storage.js';

const t = useRedisAndStore('imgsvc-rebuild-');
const logger = createLogger('silent');

function manifest(sha256: string, ownerId: string | undefined): ImageRecord {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: newImageId(), sha256, format: 'jpeg', width: 10, height: 10, bytes: 100, orientation: 1, hasAlpha: false, frames: 1,
    status: 'ready', createdAt: at, updatedAt: at, variants: [], visibility: 'public', meta: { tags: [] }, revision: 0,
    ...(ownerId ? { ownerId } : {}),
  } as ImageRecord;
}

describe('the rebuild from storage (the automatic one and imgsvc reindex)', () => {
  it('gives images from before accounts to the bootstrap admin, and reports an unreadable manifest instead of stopping at it', async () => {
    const adminId = newImageId();
    await t.store.put(bootstrapKey, Buffer.from(JSON.stringify({ adminId })));
    const ownerless = manifest('a'.repeat(64), undefined);
    const owned = manifest('b'.repeat(64), 'someone');
    await t.store.put(manifestKey(ownerless.id), Buffer.from(JSON.stringify(ownerless)));
    await t.store.put(manifestKey(owned.id), Buffer.from(JSON.stringify(owned)));
    const truncated = manifestKey(newImageId());
    await t.store.put(truncated, Buffer.from('{"truncated'));
    const index = new ImageIndex(t.redis);

    const report = await rebuildFromStorage({
      store: t.store, redis: t.redis, index, logger, shards: shardCount(),
      accounts: new AccountStore(t.redis, t.store, undefined), grants: new ViewerGrants(t.redis, t.store, undefined),
    });

    expect(report.ownerless).toBe(1);
    expect(report.images.restored).toBe(2);
    expect(unreadableOf(report)).toEqual([truncated]);
    expect((await index.get(ownerless.id))?.ownerId).toBe(adminId);
    expect((await index.get(owned.id))?.ownerId).toBe('someone');
    // The manifest is the truth: it names the new owner too.
    expect(JSON.parse((await t.store.getBuffer(manifestKey(ownerless.id))).toString('utf8')).ownerId).toBe(adminId);
    // Rebuilt: the sentinel is written, counting the one object it could not read.
    expect(await index.sentinel()).toMatchObject({ unreadable: 1 });
  });
});

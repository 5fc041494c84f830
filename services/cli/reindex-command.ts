import type { ConfigFlags } from '../core/config.js';
import { ImageIndex } from '../images/image-index.js';
import { rebuildFromStorage, unreadableOf } from '../runtime/rebuild-from-storage.js';
import { describeStore } from '../storage/open-store.js';
import { runStoreCommand } from './store-command.js';
import { AccountStore } from '../accounts/account-store.js';
import { ViewerGrants } from '../accounts/viewer-grants.js';
import { prepareKeyspace, writeMeta } from '../images/keyspace-meta.js';
import { clearShardedKeys } from '../images/keyspace-upgrade.js';

/** `imgsvc reindex`: rebuild the Redis index (accounts, grants, records) from storage. */
export function runReindex(flags: ConfigFlags, env: Record<string, string | undefined>, options: { reshard?: boolean } = {}): Promise<number> {
  return runStoreCommand(flags, env, 'reindex', async ({ config, logger, dataDir, redis, store }) => {
    if (options.reshard) {
      const removed = await clearShardedKeys(redis);
      process.stdout.write(`resharding to ${config.redisShards} shards: removed ${removed} keys of the previous layout\n`);
      await writeMeta(redis, store, config.redisShards);
    } else await prepareKeyspace({ redis, store, logger }, config.redisShards);
    const index = new ImageIndex(redis);
    const report = await rebuildFromStorage({ store, redis, index, logger, shards: config.redisShards, accounts: new AccountStore(redis, store, undefined), grants: new ViewerGrants(redis, store, undefined) });
    const { accounts, sharing, webhooks, images: result } = report;
    const unreadable = unreadableOf(report);
    process.stdout.write(
      `reindexed ${result.restored} images, ${accounts.users} users, ${accounts.keys} API keys, ${accounts.grants} viewer grants, ${sharing.albums} albums, ${sharing.favorites} favorites, ${sharing.comments} comments and ${webhooks.webhooks} webhook endpoints from ${describeStore(config, dataDir)}${result.duplicates.length ? `; removed ${result.duplicates.length} duplicates: ${result.duplicates.join(', ')}` : ''}${unreadable.length ? `; ${unreadable.length} objects unreadable: ${unreadable.join(', ')}` : ''}\n`,
    );
    return unreadable.length > 0 ? 2 : 0;
  });
}

import { resolve } from 'node:path';
import type { ConfigFlags } from '../core/config.js';
import { cliConfig } from './cli-config.js';
import { createLogger } from '../core/logger.js';
import { ImageIndex } from '../images/image-index.js';
import { reindex } from '../images/reindex.js';
import { connectRedis } from '../runtime/connect-redis.js';
import { describeStore, openObjectStore } from '../storage/open-store.js';
import { AccountStore } from '../accounts/account-store.js';
import { readBootstrap, restoreAccounts } from '../accounts/restore-accounts.js';
import { ViewerGrants } from '../accounts/viewer-grants.js';
import { adoptOwnerless } from '../images/adopt-ownerless.js';
import { restoreSharing } from '../sharing/restore-sharing.js';
import { restoreWebhooks } from '../events/webhooks/restore-webhooks.js';

/** `imgsvc reindex`: rebuild the Redis index (accounts, grants, records) from storage. */
export async function runReindex(flags: ConfigFlags, env: Record<string, string | undefined>): Promise<number> {
  const config = cliConfig(flags, env);
  if (!config) return 1;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const dataDir = resolve(config.dataDir);
  try {
    const { redis, close } = await connectRedis(config, dataDir, logger, 'reindex');
    try {
      const store = await openObjectStore(config, dataDir);
      const accounts = await restoreAccounts({ store, redis, accounts: new AccountStore(redis, store, undefined), grants: new ViewerGrants(redis, store, undefined), logger });
      const sharing = await restoreSharing({ store, redis, logger });
      const webhooks = await restoreWebhooks({ store, redis, logger });
      const index = new ImageIndex(redis);
      const result = await reindex(store, index, logger);
      const admin = await readBootstrap(store);
      if (admin) await adoptOwnerless(store, index, admin.adminId, logger);
      const unreadable = [...accounts.unreadable, ...sharing.unreadable, ...webhooks.unreadable, ...result.unreadable];
      process.stdout.write(
        `reindexed ${result.restored} images, ${accounts.users} users, ${accounts.keys} API keys, ${accounts.grants} viewer grants, ${sharing.albums} albums, ${sharing.favorites} favorites, ${sharing.comments} comments and ${webhooks.webhooks} webhook endpoints from ${describeStore(config, dataDir)}${result.duplicates.length ? `; removed ${result.duplicates.length} duplicates: ${result.duplicates.join(', ')}` : ''}${unreadable.length ? `; ${unreadable.length} objects unreadable: ${unreadable.join(', ')}` : ''}\n`,
      );
      return unreadable.length > 0 ? 2 : 0;
    } finally {
      await close();
    }
  } catch (err) {
    process.stderr.write(`imgsvc: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    logger.flush();
  }
}

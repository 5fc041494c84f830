import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from '../redis/keys.js';
import { LEGACY_SEARCH_PATTERNS } from './search-keys.js';

/**
 * What every index of the previous layout holds once any public image had a word: the public
 * scope's vocabulary. Checked with one EXISTS at start-up, so the scan below runs only once.
 */
const LEGACY_MARKER = 'imgsvc:search:pub:vocab';

/** The nodes whose keys a scan must visit: every primary of a cluster, or the one server. */
function nodesOf(redis: Redis): Redis[] {
  const cluster = redis as unknown as { nodes?: (role: 'master') => Redis[] };
  return typeof cluster.nodes === 'function' && redis.constructor.name === 'Cluster' ? cluster.nodes('master') : [redis];
}

/** Deletes the keys of the previous layout (UNLINK, in batches), returning how many went. */
export async function dropLegacySearchKeys(redis: Redis): Promise<number> {
  let dropped = 0;
  for (const node of nodesOf(redis)) {
    for (const pattern of LEGACY_SEARCH_PATTERNS) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        // One key per command: keys of the old layout are in many slots.
        if (keys.length > 0) {
          const p = node.pipeline();
          for (const k of keys) p.unlink(k);
          await p.exec();
        }
        dropped += keys.length;
      } while (cursor !== '0');
    }
  }
  return dropped;
}

/**
 * The upgrade from the index of one sorted set of ids per token and visibility scope: when its
 * keys are there, they are dropped and the index-built sentinel with them, so the automatic
 * rebuild re-reads every manifest and each image's write numbers it in its shard (a put adds
 * every term of an image its shard has not numbered). Returns the keys dropped (0: nothing to do).
 */
export async function upgradeLegacySearch(redis: Redis, logger: Logger): Promise<number> {
  if ((await redis.exists(LEGACY_MARKER)) === 0) return 0;
  const dropped = await dropLegacySearchKeys(redis);
  await redis.del(redisKeys.indexBuilt);
  logger.warn({ dropped }, 'dropped the search index of the previous layout; the index is rebuilt from storage');
  return dropped;
}

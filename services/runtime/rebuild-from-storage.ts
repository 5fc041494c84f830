import type { Redis } from 'ioredis';
import type { AccountStore } from '../accounts/account-store.js';
import { readBootstrap, restoreAccounts, type AccountsRestored } from '../accounts/restore-accounts.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import type { Logger } from '../core/logger.js';
import { restoreWebhooks } from '../events/webhooks/restore-webhooks.js';
import { adoptOwnerless } from '../images/adopt-ownerless.js';
import type { ImageIndex } from '../images/image-index.js';
import { reindex, type ReindexResult } from '../images/reindex.js';
import { restoreSharing, type SharingRestored } from '../sharing/restore-sharing.js';
import type { ObjectStore } from '../storage/object-store.js';

/** What a rebuild reads from and writes to. */
export interface RebuildContext {
  store: ObjectStore;
  redis: Redis;
  index: ImageIndex;
  logger: Logger;
  shards: number;
  accounts: AccountStore;
  grants: ViewerGrants;
  /** Runs before each page of manifests (the automatic rebuild renews its lock there). */
  onPage?: () => Promise<void>;
}

/** What each step restored, by step name. */
export interface RebuildReport {
  accounts: AccountsRestored;
  sharing: SharingRestored;
  webhooks: { webhooks: number; unreadable: string[] };
  /** Images from before accounts given to the bootstrap admin. */
  ownerless: number;
  images: ReindexResult;
}

type RebuildStep = { [K in keyof RebuildReport]: { name: K; run: (c: RebuildContext) => Promise<RebuildReport[K]> } }[keyof RebuildReport];

/**
 * The order Redis is rebuilt from storage in, for the automatic rebuild (images/index-guard.ts)
 * and `imgsvc reindex` alike. Accounts and grants first: the records that follow name their
 * owners. Ownerless images (stored before accounts existed) get the bootstrap admin before the
 * records are restored, so each record is indexed, and its duplicates found, under the owner it
 * keeps; the records come last because their step writes the index-built sentinel, and nothing
 * may count as rebuilt before every step has run.
 */
export const REBUILD_ORDER: readonly RebuildStep[] = [
  { name: 'accounts', run: (c) => restoreAccounts({ store: c.store, redis: c.redis, accounts: c.accounts, grants: c.grants, logger: c.logger }) },
  { name: 'sharing', run: (c) => restoreSharing({ store: c.store, redis: c.redis, logger: c.logger }) },
  { name: 'webhooks', run: (c) => restoreWebhooks({ store: c.store, redis: c.redis, logger: c.logger, shards: c.shards }) },
  {
    name: 'ownerless',
    run: async (c) => {
      const admin = await readBootstrap(c.store);
      return admin ? adoptOwnerless(c.store, c.index, admin.adminId, c.logger, c.onPage) : 0;
    },
  },
  { name: 'images', run: (c) => reindex(c.store, c.index, c.logger, { redis: c.redis, ...(c.onPage ? { onPage: c.onPage } : {}) }) },
];

/** Runs every step of `REBUILD_ORDER`, in order. */
export async function rebuildFromStorage(context: RebuildContext): Promise<RebuildReport> {
  const report: Partial<Record<keyof RebuildReport, unknown>> = {};
  for (const step of REBUILD_ORDER) report[step.name] = await step.run(context);
  // Every key was set by its step just above; the mapped step type ties each name to its result.
  return report as RebuildReport;
}

/** Every object a step could not read, for the report's last line. */
export function unreadableOf(report: RebuildReport): string[] {
  return [...report.accounts.unreadable, ...report.sharing.unreadable, ...report.webhooks.unreadable, ...report.images.unreadable];
}

import type { Redis } from 'ioredis';
import { ImageGuard } from '../access/image-guard.js';
import type { UrlSigner } from '../access/signed-urls.js';
import { AccountStore } from '../accounts/account-store.js';
import { Authenticator } from '../accounts/authenticator.js';
import { ViewerGrants } from '../accounts/viewer-grants.js';
import { PasswordStore } from '../accounts/password-store.js';
import { SessionAuthenticator } from '../accounts/session-authenticator.js';
import { SessionStore } from '../accounts/session-store.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { RecordWriter } from '../images/record-writer.js';
import { ApiRateLimits } from '../ratelimit/api-rate-limits.js';
import { InvalidationBus } from '../redis/invalidation-bus.js';
import type { ObjectStore } from '../storage/object-store.js';
import { loadKeyRing } from './signing-keys.js';

/** Who is asking and what they may see: the parts every role shares, composed once. */
export interface AccessParts {
  bus: InvalidationBus;
  accounts: AccountStore;
  grants: ViewerGrants;
  authenticator: Authenticator;
  guard: ImageGuard;
  writer: RecordWriter;
  signer: UrlSigner;
  limits: ApiRateLimits;
  /** People signed in with a password: their sessions and passwords. */
  sessions: SessionAuthenticator;
  passwords: PasswordStore;
}

export async function composeAccess(deps: {
  config: Config;
  redis: Redis;
  store: ObjectStore;
  index: ImageIndex;
  dataDir: string;
  logger: Logger;
  lookup?: (id: string) => Promise<ImageRecord | undefined>;
  /** Re-adopts a record the index lost, synchronously, for a writer about to change it. */
  recover?: (id: string) => Promise<ImageRecord | undefined>;
}): Promise<AccessParts> {
  const { config, redis, store, index } = deps;
  const bus = new InvalidationBus(redis, deps.logger);
  await bus.start();
  const accounts = new AccountStore(redis, store, bus);
  const grants = new ViewerGrants(redis, store, bus);
  const sessions = new SessionAuthenticator(new SessionStore(redis, { idleMs: config.sessionIdleMs, maxAgeMs: config.sessionMaxAgeMs }), accounts);
  return {
    sessions,
    passwords: new PasswordStore(store, redis),
    bus,
    accounts,
    grants,
    authenticator: new Authenticator(accounts, bus),
    // The API reads records fresh from the index: a privacy change is seen by the very next request.
    guard: new ImageGuard(deps.lookup ?? ((id) => index.get(id)), grants),
    writer: new RecordWriter(redis, index, store, bus, deps.recover),
    signer: {
      ring: await loadKeyRing(config.signingKeys, deps.dataDir),
      defaultTtlSeconds: config.signedUrlTtlSeconds,
      maxTtlSeconds: config.signedUrlMaxTtlSeconds,
      presets: config.eagerPresets,
    },
    limits: new ApiRateLimits(redis, { perKey: config.rateLimitPerKey, perAddress: config.rateLimitPerAddress, authFailures: config.rateLimitAuthFailures }),
  };
}

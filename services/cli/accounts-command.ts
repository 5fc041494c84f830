import { resolve } from 'node:path';
import { AccountStore } from '../accounts/account-store.js';
import { createUserSchema } from '../accounts/account-schemas.js';
import { keyState, publicKey } from '../accounts/api-key.js';
import { isScope, scopesForRole, isSubsetOf, type Scope } from '../accounts/scopes.js';
import { publicUser } from '../accounts/user.js';
import type { ConfigFlags } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { InvalidationBus } from '../redis/invalidation-bus.js';
import { connectRedis } from '../runtime/connect-redis.js';
import { openObjectStore } from '../storage/open-store.js';
import { cliConfig } from './cli-config.js';

type Action = (accounts: AccountStore, out: (line: string) => void) => Promise<void>;

/**
 * `imgsvc users …` and `imgsvc keys …`: account administration against the configured Redis
 * and storage, the same store the service uses (so a revocation here reaches every pod).
 */
export async function runAccounts(flags: ConfigFlags, env: Record<string, string | undefined>, action: Action): Promise<number> {
  const config = cliConfig(flags, env);
  if (!config) return 1;
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const dataDir = resolve(config.dataDir);
  try {
    const { redis, close } = await connectRedis(config, dataDir, logger, 'accounts');
    try {
      const store = await openObjectStore(config, dataDir);
      const accounts = new AccountStore(redis, store, new InvalidationBus(redis, logger));
      await action(accounts, (line) => process.stdout.write(`${line}\n`));
      return 0;
    } finally {
      await close();
    }
  } catch (err) {
    process.stderr.write(`imgsvc: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof AppError && err.status < 500 ? 2 : 1;
  } finally {
    logger.flush();
  }
}

export function createUserAction(handle: string, opts: { displayName?: string; role?: string; defaultVisibility?: string }): Action {
  return async (accounts, out) => {
    const parsed = createUserSchema.safeParse({ handle, ...opts });
    if (!parsed.success) throw new AppError(400, 'invalid_user', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    out(JSON.stringify(publicUser(await accounts.createUser(parsed.data))));
  };
}

export const listUsersAction: Action = async (accounts, out) => {
  let after: string | undefined;
  for (;;) {
    const page = await accounts.listUsers(after, 200);
    for (const u of page) out(`${u.id}  ${u.handle.padEnd(20)} ${u.role.padEnd(5)} ${u.disabledAt ? 'disabled' : 'active'}  ${u.displayName}`);
    if (page.length < 200) return;
    after = page[page.length - 1]!.id;
  }
};

export function disableUserAction(userId: string): Action {
  return async (accounts, out) => {
    const user = await accounts.getUser(userId);
    if (!user) throw new AppError(404, 'user_not_found', `no user with id ${userId}`);
    out(JSON.stringify(publicUser(await accounts.updateUser(userId, { disabledAt: user.disabledAt ?? new Date().toISOString() }))));
  };
}

/** `30d`, `12h`, `90m` or seconds. */
export function parseDuration(text: string): number {
  const m = /^([0-9]+)([smhd]?)$/.exec(text);
  if (!m) throw new AppError(400, 'invalid_duration', `expected a duration such as 30d, 12h, 90m or 3600 but received ${JSON.stringify(text)}`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

export function createKeyAction(userId: string, opts: { scopes?: string; name?: string; expiresIn?: string }): Action {
  return async (accounts, out) => {
    const user = await accounts.getUser(userId);
    if (!user) throw new AppError(404, 'user_not_found', `no user with id ${userId}`);
    const scopes = (opts.scopes ?? 'images:read,images:write').split(',').map((s) => s.trim());
    const bad = scopes.filter((s) => !isScope(s));
    if (bad.length > 0) throw new AppError(400, 'invalid_scope', `unknown scope(s) ${bad.join(', ')}; expected images:read, images:write or admin`);
    if (!isSubsetOf(scopes as Scope[], scopesForRole(user.role))) throw new AppError(400, 'scope_escalation', `a ${user.role} cannot hold the scopes ${scopes.join(', ')}`);
    const expiresAt = opts.expiresIn ? new Date(Date.now() + parseDuration(opts.expiresIn) * 1000) : undefined;
    const { key, token } = await accounts.createKey(user, { name: opts.name ?? '', scopes: scopes as Scope[], expiresAt });
    out(token);
    process.stderr.write(`key ${key.id} for ${user.handle} (${key.scopes.join(', ')}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}): the token above is shown only now\n`);
  };
}

export function listKeysAction(userId: string): Action {
  return async (accounts, out) => {
    const now = Date.now();
    for (const k of await accounts.listKeys(userId)) {
      const p = publicKey(k);
      out(`${p.id}  ${keyState(k, now).padEnd(7)} ${p.scopes.join(',').padEnd(32)} created ${p.createdAt}${p.expiresAt ? ` expires ${p.expiresAt}` : ''}${p.lastUsedAt ? ` used ${p.lastUsedAt}` : ''}  ${p.name}`);
    }
  };
}

export function revokeKeyAction(keyId: string): Action {
  return async (accounts, out) => {
    const key = /^[0-9a-f]{16}$/.test(keyId) ? await accounts.getKey(keyId) : undefined;
    if (!key) throw new AppError(404, 'key_not_found', `no key with id ${keyId}`);
    await accounts.revokeKey(key);
    out(`revoked ${keyId}`);
  };
}

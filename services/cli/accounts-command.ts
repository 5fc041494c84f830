import { AccountStore } from '../accounts/account-store.js';
import { createUserSchema } from '../accounts/account-schemas.js';
import { keyState, publicKey } from '../accounts/api-key.js';
import { isScope, scopesForRole, isSubsetOf, type Scope } from '../accounts/scopes.js';
import { publicUser } from '../accounts/user.js';
import type { Config, ConfigFlags } from '../core/config.js';
import { PasswordStore } from '../accounts/password-store.js';
import { passwordLinkUrl } from '../accounts/password-routes.js';
import { AppError } from '../core/errors.js';
import { InvalidationBus } from '../redis/invalidation-bus.js';
import { connectRedis, type RedisConnection } from '../runtime/connect-redis.js';
import { PrivateRedisInUseError } from '../redis/private-redis.js';
import type { Logger } from '../core/logger.js';
import { readRunningService } from './running-service.js';
import { runStoreCommand } from './store-command.js';

type Action = (accounts: AccountStore, out: (line: string) => void, ctx: { passwords: PasswordStore; config: Config }) => Promise<void>;

/**
 * `imgsvc users …` and `imgsvc keys …`: account administration against the configured Redis
 * and storage, the same store the service uses (so a revocation here reaches every pod).
 */
export function runAccounts(flags: ConfigFlags, env: Record<string, string | undefined>, action: Action): Promise<number> {
  return runStoreCommand(
    flags,
    env,
    'accounts',
    async ({ config, logger, redis, store }) => {
      const accounts = new AccountStore(redis, store, new InvalidationBus(redis, logger));
      await action(accounts, (line) => process.stdout.write(`${line}\n`), { passwords: new PasswordStore(store, redis), config });
      return 0;
    },
    { connect: connectShared, codeFor: (err) => (err instanceof AppError && err.status < 500 ? 2 : 1) },
  );
}

/**
 * The Redis of the service running on this data folder when it owns the private one (two
 * redis-servers on one set of files would corrupt them), else the configured or a private one.
 */
async function connectShared(config: Config, dataDir: string, logger: Logger): Promise<RedisConnection> {
  try {
    return await connectRedis(config, dataDir, logger, 'accounts');
  } catch (err) {
    const running = err instanceof PrivateRedisInUseError ? readRunningService(dataDir) : undefined;
    if (!running) throw err;
    return connectRedis({ ...config, redisUrl: running.redisUrl }, dataDir, logger, 'accounts');
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

/**
 * `imgsvc users passwd <handle>`: prints a one-time link that sets the user's password (the
 * password itself never passes through a terminal, a shell history or this process).
 */
export function passwordLinkAction(handle: string, baseUrl: string | undefined): Action {
  return async (accounts, out, { passwords, config }) => {
    const user = await accounts.userByHandle(handle.toLowerCase());
    if (!user) throw new AppError(404, 'user_not_found', `no user with the handle ${JSON.stringify(handle)}`);
    const { token, expiresAt } = await passwords.createLink(user.id, config.passwordLinkTtlMs);
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const base = baseUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
    out(`Set the password of "${user.handle}" with this one-time link (valid until ${expiresAt}):`);
    out('');
    out(`    ${passwordLinkUrl(base, token)}`);
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

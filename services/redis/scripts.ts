import { readFileSync } from 'node:fs';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Every Lua script the service runs, once each, under `scripts/` (BullMQ-style: one script per
 * command, named with its key count, a header listing KEYS and ARGV). Loaded through
 * `defineCommand`, so calls send EVALSHA (the body once per connection) and a MULTI carrying a
 * script loads it first. The keys a script is given come from a declared step (steps.ts), so
 * the slot test sees them.
 */
const FILES = {
  createImage: 'createImage-7plus',
  compareAndDelete: 'compareAndDelete-1',
  compareAndDeleteField: 'compareAndDeleteField-1',
  renewLock: 'renewLock-1',
  acquireLease: 'acquireLease-1',
  removeComment: 'removeComment-3',
  addFavorite: 'addFavorite-2',
  removeFavorite: 'removeFavorite-2',
  addFavoriter: 'addFavoriter-2',
  removeFavoriter: 'removeFavoriter-2',
  deleteIfRevision: 'deleteIfRevision-1',
  applyNotification: 'applyNotification-5',
  readNotificationsUpTo: 'readNotificationsUpTo-2',
} as const;

export type ScriptName = keyof typeof FILES;

/** The script's source: the header, then the body. */
export function scriptSource(name: ScriptName): string {
  return readFileSync(new URL(`./scripts/${FILES[name]}.lua`, import.meta.url), 'utf8');
}

const sources = new Map<ScriptName, string>();
function source(name: ScriptName): string {
  let lua = sources.get(name);
  if (lua === undefined) {
    lua = scriptSource(name);
    sources.set(name, lua);
  }
  return lua;
}

const COMMAND_PREFIX = 'imgsvc_';
const defined = new WeakSet<object>();

/** Defines every script on a connection (idempotent); do it before creating a MULTI that runs one. */
export function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const name of Object.keys(FILES) as ScriptName[]) redis.defineCommand(COMMAND_PREFIX + name, { lua: source(name) });
  defined.add(redis);
}

type Caller = (...args: (string | number)[]) => unknown;

/** Runs a script on a connection; its reply. */
export async function runScript<T>(redis: Redis, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<T> {
  defineScripts(redis);
  const call = (redis as unknown as Record<string, Caller>)[COMMAND_PREFIX + name]!;
  return (await call.call(redis, keys.length, ...keys, ...args)) as T;
}

/** Queues a script on a MULTI or pipeline made from a connection `defineScripts` saw. */
export function queueScript(tx: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): ChainableCommander {
  const call = (tx as unknown as Record<string, Caller | undefined>)[COMMAND_PREFIX + name];
  if (!call) throw new Error(`script ${name} is not defined on this connection: call defineScripts(redis) before creating the transaction`);
  call.call(tx, keys.length, ...keys, ...args);
  return tx;
}

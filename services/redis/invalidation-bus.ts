import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from './keys.js';
import { isCluster } from './redis-nodes.js';

export type InvalidationKind = 'image' | 'key' | 'user' | 'viewers';
const KINDS = new Set<string>(['image', 'key', 'user', 'viewers']);

/**
 * Tells every pod's in-memory caches that something changed (a record's visibility, a revoked
 * key, a disabled user, a grant). Pub/sub delivers within milliseconds; while the subscription
 * is down nothing is heard, so every cache is flushed whole when it comes back. The caches'
 * short TTLs bound staleness if a publish itself is lost.
 *
 * On Redis Cluster it uses sharded pub/sub (SPUBLISH/SSUBSCRIBE): a message stays on the
 * primary (and replicas) owning the channel's slot instead of being broadcast over the whole
 * cluster bus; the client keeps one subscriber per primary and follows the slot when it moves.
 */
export class InvalidationBus {
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<InvalidationKind, ((id: string) => void)[]>();
  private readonly flushHandlers: (() => void)[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  on(kind: InvalidationKind, handler: (id: string) => void): void {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }

  onFlush(handler: () => void): void {
    this.flushHandlers.push(handler);
  }

  async publish(kind: InvalidationKind, id: string): Promise<void> {
    // This process hears its own message too, but applying it here at once keeps the writer's
    // next read consistent without waiting for the round trip.
    this.deliver(kind, id);
    try {
      const message = `${kind}:${id}`;
      if (isCluster(this.redis)) await this.redis.spublish(redisKeys.invalidations, message);
      else await this.redis.publish(redisKeys.invalidations, message);
    } catch (err) {
      this.logger.warn({ err, kind, id }, 'could not publish a cache invalidation; other pods catch up within their cache TTL');
    }
  }

  async start(): Promise<void> {
    const sharded = isCluster(this.redis);
    const sub = sharded
      ? ((this.redis as unknown as Cluster).duplicate([], { shardedSubscribers: true, redisOptions: { connectionName: 'imgsvc-invalidations' } }) as unknown as Redis)
      : this.redis.duplicate({ connectionName: 'imgsvc-invalidations' });
    this.subscriber = sub;
    sub.on('error', () => undefined); // the main connection already logs Redis trouble
    let readyBefore = false;
    sub.on('ready', () => {
      if (readyBefore) {
        this.logger.info('invalidation subscription restored: flushing in-memory caches');
        this.flushAll();
      }
      readyBefore = true;
    });
    sub.on('close', () => {
      if (readyBefore) this.flushAll();
    });
    sub.on(sharded ? 'smessage' : 'message', (_channel: string, message: string) => {
      const at = message.indexOf(':');
      const kind = message.slice(0, at);
      if (at > 0 && KINDS.has(kind)) this.deliver(kind as InvalidationKind, message.slice(at + 1));
    });
    if (sharded) await sub.ssubscribe(redisKeys.invalidations);
    else await sub.subscribe(redisKeys.invalidations);
  }

  async stop(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) {
      sub.removeAllListeners('close');
      sub.disconnect();
    }
  }

  private deliver(kind: InvalidationKind, id: string): void {
    for (const handler of this.handlers.get(kind) ?? []) handler(id);
  }

  private flushAll(): void {
    for (const handler of this.flushHandlers) handler();
  }
}

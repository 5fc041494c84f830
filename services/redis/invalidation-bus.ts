import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from './keys.js';

export type InvalidationKind = 'image' | 'key' | 'user' | 'viewers';
const KINDS = new Set<string>(['image', 'key', 'user', 'viewers']);

/**
 * Tells every pod's in-memory caches that something changed (a record's visibility, a revoked
 * key, a disabled user, a grant). Pub/sub delivers within milliseconds; while the subscription
 * is down nothing is heard, so every cache is flushed whole when it comes back. The caches'
 * short TTLs bound staleness if a publish itself is lost.
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
      await this.redis.publish(redisKeys.invalidations, `${kind}:${id}`);
    } catch (err) {
      this.logger.warn({ err, kind, id }, 'could not publish a cache invalidation; other pods catch up within their cache TTL');
    }
  }

  async start(): Promise<void> {
    const sub = this.redis.duplicate({ connectionName: 'imgsvc-invalidations' });
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
    sub.on('message', (_channel: string, message: string) => {
      const at = message.indexOf(':');
      const kind = message.slice(0, at);
      if (at > 0 && KINDS.has(kind)) this.deliver(kind as InvalidationKind, message.slice(at + 1));
    });
    await sub.subscribe(redisKeys.invalidations);
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
